/**
 * The SFU driven directly, with werift peer connections in Node as members
 * (SfuBot speaks simple-peer's non-initiator dialect like the browser SDK).
 * Real ICE/DTLS/SRTP over loopback; no timing assertions: every wait is for a
 * condition, under the test's overall timeout.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Sfu, type SfuOptions } from '../../src/server/sfu/index.js';
import { SfuBot } from '../../src/server/sfu/bot.js';
import { withoutRejectedBundleMids } from '../../src/server/sfu/negotiator.js';
import { isVp8KeyframeStart } from '../../src/server/sfu/vp8.js';
import type { SignalData } from '../../src/protocol/index.js';

const ROOM = 'demo\u0000room';
const ZERO = { rooms: 0, members: 0, peerConnections: 0, transceivers: 0, timers: 0, subscriptions: 0 };

interface Harness {
  sfu: Sfu;
  bots: Map<string, SfuBot>;
  stops: (() => void)[];
}

let harness: Harness | undefined;

function setup(options: SfuOptions = {}): Harness {
  harness = { sfu: new Sfu(options), bots: new Map(), stops: [] };
  return harness;
}

afterEach(async () => {
  if (!harness) return;
  for (const stop of harness.stops) stop();
  await harness.sfu.close();
  await Promise.all([...harness.bots.values()].map((bot) => bot.close()));
  harness = undefined;
});

/** A member joining through the same calls the signaling server makes. */
function join(h: Harness, peerId: string, { publish, lose = () => false }: { publish: boolean; lose?: (signal: SignalData) => boolean }): SfuBot {
  const bot = new SfuBot({ publish });
  bot.onSignal = (signal) => h.sfu.signal(ROOM, peerId, signal);
  h.bots.set(peerId, bot);
  h.sfu.join(ROOM, peerId, { receiveOnly: !publish }, {
    sendSignal: (signal) => {
      if (!lose(signal)) bot.handle(signal);
    },
    sendStreams: (streams) => bot.setStreams(streams),
  });
  if (publish) h.stops.push(bot.startSyntheticMedia());
  return bot;
}

async function until(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Both of `publisher`'s tracks are arriving at `bot`, labelled with the publisher's id. */
function receivesFrom(bot: SfuBot, publisher: string, { packets = 20, keyframe = true } = {}): boolean {
  const tracks = bot.liveTracks().filter((t) => t.peerId === publisher);
  const audio = tracks.find((t) => t.kind === 'audio');
  const video = tracks.find((t) => t.kind === 'video');
  return !!audio && !!video && audio.packets >= packets && video.packets >= packets && (!keyframe || video.keyframes > 0);
}

describe('SFU (werift members in Node)', { timeout: 180_000 }, () => {
  it('forwards every publisher to every other member, labelled by stream id', async () => {
    const h = setup();
    const a = join(h, 'alice', { publish: true });
    const b = join(h, 'bob', { publish: true });
    const c = join(h, 'carol', { publish: true });
    await until('everyone receives the two others', () =>
      receivesFrom(a, 'bob') && receivesFrom(a, 'carol') && receivesFrom(b, 'alice') && receivesFrom(b, 'carol') &&
      receivesFrom(c, 'alice') && receivesFrom(c, 'bob'),
    );
    // Each member sends once (2 outgoing tracks) and gets 2 tracks per other member.
    for (const bot of [a, b, c]) assert.equal(bot.liveTracks().length, 4);
    assert.deepEqual(h.sfu.counters(), { rooms: 1, members: 3, peerConnections: 3, transceivers: 3 * (2 + 4), timers: 0, subscriptions: 12 });
    // Video to each subscriber starts at a keyframe, never with a delta frame.
    for (const bot of [a, b, c]) {
      for (const track of bot.liveTracks().filter((t) => t.kind === 'video')) assert.ok(track.keyframes >= 1);
    }
  });

  it('asks the publisher for a keyframe when a subscriber joins late, and the late subscriber gets one', async () => {
    const h = setup();
    const pub = join(h, 'pub', { publish: true });
    const early = join(h, 'early', { publish: false });
    await until('early subscriber receives', () => receivesFrom(early, 'pub'));
    const before = pub.pliReceived + pub.firReceived;
    const late = join(h, 'late', { publish: false });
    await until('late subscriber receives video starting at a keyframe', () => receivesFrom(late, 'pub'));
    assert.ok(pub.pliReceived + pub.firReceived > before, 'the publisher got a keyframe request for the late subscriber');
    const video = late.liveTracks().find((t) => t.kind === 'video')!;
    assert.ok(video.keyframes >= 1);
    // Once the keyframe went out, requests stop: no timer is left running.
    await until('keyframe retry timers stop', () => h.sfu.counters().timers === 0);
  });

  it("passes a subscriber's PLI on to the publisher, also when it names the subscriber's own sending SSRC (as Chromium does)", async () => {
    const h = setup();
    const pub = join(h, 'pub', { publish: true });
    const sub = join(h, 'sub', { publish: true });
    await until('sub receives pub', () => receivesFrom(sub, 'pub'));
    await until('no keyframe wait left', () => h.sfu.counters().timers === 0);
    const before = pub.pliReceived;
    const video = sub.liveTracks().find((t) => t.kind === 'video')!;
    // Requests are rate-limited per publisher, so keep asking until one passes.
    const deadline = Date.now() + 20_000;
    while (pub.pliReceived === before && Date.now() < deadline) {
      sub.sendPli(video);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(pub.pliReceived > before, 'the PLI reached the publisher');
  });

  it('a receive-only member publishes nothing and receives everything', async () => {
    const h = setup();
    join(h, 'p1', { publish: true });
    join(h, 'p2', { publish: true });
    const watcher = join(h, 'watcher', { publish: false });
    await until('watcher receives both publishers', () => receivesFrom(watcher, 'p1') && receivesFrom(watcher, 'p2'));
    assert.equal(watcher.liveTracks().length, 4);
    for (const id of ['p1', 'p2']) {
      const bot = h.bots.get(id)!;
      await until(`${id} receives the other publisher`, () => receivesFrom(bot, id === 'p1' ? 'p2' : 'p1'));
      assert.ok(!bot.liveTracks().some((t) => t.peerId === 'watcher'), 'nothing is forwarded from a receive-only member');
    }
    // Everyone has its own 2 (the watcher's are never published from); publishers get 2 forwarded, the watcher 4.
    assert.equal(h.sfu.counters().transceivers, 4 + 4 + 6);
  });

  it('leave stops forwarding, removes the tracks at subscribers, and releases everything', async () => {
    const h = setup();
    const a = join(h, 'a', { publish: true });
    const b = join(h, 'b', { publish: true });
    const c = join(h, 'c', { publish: false });
    await until('all flowing', () => receivesFrom(a, 'b') && receivesFrom(b, 'a') && receivesFrom(c, 'a') && receivesFrom(c, 'b'));

    h.sfu.leave(ROOM, 'a');
    await until('a is gone from b and c', () =>
      b.liveTracks().length === 0 && c.liveTracks().length === 2 && c.liveTracks().every((t) => t.peerId === 'b'),
    );
    assert.deepEqual(Object.values(b.streams), []);
    // The BUNDLE-tagged (first) m-line is never the one rejected, even at a receive-only member.
    const offer = c.pc.remoteDescription!.sdp;
    assert.match(offer.split('\r\nm=')[1]!, /^audio [1-9]\d* /);
    assert.match(offer, new RegExp(`^a=group:BUNDLE ${/^a=mid:(\S+)/m.exec(offer)![1]} `, 'm'));
    assert.deepEqual(Object.values(c.streams), ['b']);
    const ended = c.received.filter((t) => t.ended);
    assert.equal(ended.length, 2, 'both of a’s tracks ended at c');
    // Packets of a's tracks stop arriving at c.
    const counts = ended.map((t) => t.packets);
    await until('b still flows to c', () => c.liveTracks().every((t) => t.packets > 60));
    assert.deepEqual(ended.map((t) => t.packets), counts);

    await until('transceivers of a released at b and c', () => h.sfu.counters().transceivers === 2 + (2 + 2));
    assert.deepEqual(
      { ...h.sfu.counters() },
      { rooms: 1, members: 2, peerConnections: 2, transceivers: 6, timers: 0, subscriptions: 2 },
    );

    h.sfu.leave(ROOM, 'b');
    h.sfu.leave(ROOM, 'c');
    await until('all released', () => h.sfu.counters().peerConnections === 0);
    assert.deepEqual(h.sfu.counters(), ZERO);
  });

  it('a member who rejoins with the same id is a new stream to the others', async () => {
    const h = setup();
    join(h, 'x', { publish: true });
    const watcher = join(h, 'w', { publish: false });
    await until('watcher receives x', () => receivesFrom(watcher, 'x'));
    const firstStream = watcher.liveTracks()[0]!.streamId;
    h.sfu.leave(ROOM, 'x');
    await h.bots.get('x')!.close();
    h.stops.splice(0).forEach((stop) => stop());
    join(h, 'x', { publish: true });
    await until('watcher receives x again', () => receivesFrom(watcher, 'x'));
    const streams = new Set(watcher.liveTracks().map((t) => t.streamId));
    assert.equal(streams.size, 1);
    assert.ok(!streams.has(firstStream));
  });

  it('an offer that gets no answer is made again, so a lost message does not stall the member', async () => {
    const h = setup({ answerTimeoutMs: 300 });
    join(h, 'pub', { publish: true });
    let offers = 0;
    const sub = join(h, 'sub', { publish: false, lose: (signal) => signal.type === 'offer' && ++offers === 1 });
    await until('sub receives pub after the lost offer', () => receivesFrom(sub, 'pub'));
    assert.ok(offers >= 2);
  });

  it('close() releases every room', async () => {
    const h = setup();
    join(h, 'one', { publish: true });
    const two = join(h, 'two', { publish: true });
    await until('flowing', () => receivesFrom(two, 'one'));
    await h.sfu.close();
    assert.deepEqual(h.sfu.counters(), ZERO);
  });
});

describe('SFU helpers', () => {
  it('recognises the first packet of a VP8 keyframe', () => {
    assert.equal(isVp8KeyframeStart(Uint8Array.from([0x10, 0x00])), true); // S=1, PID=0, P=0
    assert.equal(isVp8KeyframeStart(Uint8Array.from([0x10, 0x01])), false); // delta frame
    assert.equal(isVp8KeyframeStart(Uint8Array.from([0x00, 0x00])), false); // not a partition start
    // Extended descriptor with a 15-bit picture id, TL0PICIDX and TID: header at offset 5.
    assert.equal(isVp8KeyframeStart(Uint8Array.from([0x90, 0xe0, 0x80, 0x01, 0x00, 0x00, 0x01])), false);
    assert.equal(isVp8KeyframeStart(Uint8Array.from([0x90, 0xe0, 0x80, 0x01, 0x00, 0x00, 0x50])), true);
  });

  it('drops rejected m-sections from the BUNDLE group', () => {
    const sdp = ['v=0', 'a=group:BUNDLE 0 1 2', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'm=video 0 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:2', ''].join('\r\n');
    assert.match(withoutRejectedBundleMids(sdp), /^a=group:BUNDLE 0 2\r$/m);
    const allRejected = sdp.replace(/ 9 /g, ' 0 ');
    assert.doesNotMatch(withoutRejectedBundleMids(allRejected), /a=group/);
  });
});
