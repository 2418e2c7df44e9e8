import { expect } from '@open-wc/testing';
import type { MeshRoom, Peer, RoomOptions, RoomStream, SfuRoom } from '../../src/sdk/index.js';
import { dropPeer, framesDecoded, serverState, streamDecodes, waitFor } from './helpers/env.js';
import { camera, next, openPeer, uid } from './sdk-support.js';

async function peers(n: number, prefix: string): Promise<Peer[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => openPeer(uid(`${prefix}${i}`))));
}

/** Joins with the fake camera and microphone unless told otherwise; records streams from the start. */
async function join(peer: Peer, name: string, options: RoomOptions = {}): Promise<{ room: SfuRoom; seen: Map<string, RoomStream> }> {
  const stream = options.receiveOnly ? undefined : (options.stream ?? (await camera()));
  const room = peer.joinRoom(name, { ...options, stream, mode: 'sfu' });
  const seen = new Map<string, RoomStream>();
  room.on('stream', (s) => seen.set(s.peerId, s));
  await next(room, 'open');
  return { room, seen };
}

/** outbound-rtp reports by kind on one connection. */
async function outbound(pc: RTCPeerConnection): Promise<{ audio: number; video: number }> {
  const counts = { audio: 0, video: 0 };
  (await pc.getStats()).forEach((r: { type: string; kind?: string }) => {
    if (r.type === 'outbound-rtp' && (r.kind === 'audio' || r.kind === 'video')) counts[r.kind] += 1;
  });
  return counts;
}

function ended(stream: MediaStream): boolean {
  return stream.getTracks().every((t) => t.readyState === 'ended');
}

const ZERO = { rooms: 0, members: 0, peerConnections: 0, transceivers: 0, timers: 0, subscriptions: 0 };

async function sfuReleased(): Promise<void> {
  await waitFor(async () => {
    const { sfu } = await serverState();
    return Object.entries(ZERO).every(([k, v]) => sfu[k] === v);
  }, 'every SFU counter back to 0 on the server');
  expect((await serverState()).sfu).to.deep.equal(ZERO);
}

describe('SfuRoom', () => {
  it('3 members: each decodes 2 remote videos labelled with the right IDs, and sends exactly one video and one audio stream', async () => {
    const name = uid('sfu3');
    const members = await peers(3, 's3-');
    const joined: Array<{ room: SfuRoom; seen: Map<string, RoomStream> }> = [];
    for (const p of members) joined.push(await join(p, name));
    const ids = members.map((p) => p.id!);
    await waitFor(() => joined.every(({ seen }) => seen.size === 2), 'every member gets 2 streams');
    for (let i = 0; i < 3; i++) {
      const { room, seen } = joined[i]!;
      const others = ids.filter((id) => id !== ids[i]).sort();
      expect([...seen.keys()].sort()).to.deep.equal(others);
      expect(room.members.sort()).to.deep.equal(others);
      for (const [peerId, stream] of seen) expect(stream.peerId).to.equal(peerId);
    }
    await Promise.all(joined.flatMap(({ seen }, i) => [...seen.values()].map((s) => streamDecodes(s, `member ${i} decodes ${s.peerId}`))));
    for (const { room } of joined) {
      const pc = room.getPeerConnection()!;
      await waitFor(async () => (await framesDecoded(pc)) > 0, 'framesDecoded > 0 on the SFU connection');
      // One connection, one upload per kind, however many members receive it.
      await waitFor(async () => {
        const o = await outbound(pc);
        return o.audio === 1 && o.video === 1;
      }, 'outbound-rtp: 1 audio + 1 video');
      expect(await outbound(pc)).to.deep.equal({ audio: 1, video: 1 });
    }
  });

  it('for comparison, a mesh room of the same size uploads N−1 = 2 video and 2 audio streams per member', async () => {
    const name = uid('mesh3');
    const members = await peers(3, 'm3-');
    const rooms: MeshRoom[] = [];
    for (const p of members) {
      const room = p.joinRoom(name, { mode: 'mesh', stream: await camera() });
      await next(room, 'open');
      rooms.push(room);
    }
    await waitFor(() => rooms.every((r) => Object.keys(r.getPeerConnections()).length === 2), 'full mesh');
    for (const room of rooms) {
      const total = async () => {
        const per = await Promise.all(Object.values(room.getPeerConnections()).map(outbound));
        return per.reduce((a, b) => ({ audio: a.audio + b.audio, video: a.video + b.video }), { audio: 0, video: 0 });
      };
      await waitFor(async () => {
        const t = await total();
        return t.audio === 2 && t.video === 2;
      }, 'outbound-rtp over all mesh connections: 2 audio + 2 video');
      expect(await total()).to.deep.equal({ audio: 2, video: 2 });
    }
  });

  it('a late joiner decodes the existing members’ video', async () => {
    const name = uid('late');
    const [a, b, late] = await peers(3, 'lt-');
    const ja = await join(a!, name);
    const jb = await join(b!, name);
    await waitFor(() => ja.seen.size === 1 && jb.seen.size === 1, 'the first two see each other');
    await streamDecodes(ja.seen.get(b!.id!)!, 'a decodes b');
    await streamDecodes(jb.seen.get(a!.id!)!, 'b decodes a');

    const jl = await join(late!, name, { receiveOnly: true });
    await waitFor(() => jl.seen.size === 2, 'the late joiner gets both streams');
    await Promise.all([...jl.seen.values()].map((s) => streamDecodes(s, `late joiner decodes ${s.peerId}`)));
    const pc = jl.room.getPeerConnection()!;
    await waitFor(async () => (await framesDecoded(pc)) > 0, 'framesDecoded > 0 at the late joiner');
    // Receive-only: nothing is uploaded, and the others get nothing from it.
    expect(await outbound(pc)).to.deep.equal({ audio: 0, video: 0 });
    expect(ja.seen.has(late!.id!)).to.equal(false);
  });

  it('replaceStream adding video to an audio-only member renegotiates with the server, and the others decode it', async () => {
    const name = uid('sfuadd');
    const [a, b] = await peers(2, 'sa-');
    const ja = await join(a!, name, { stream: await camera({ audio: true, video: false }) });
    const jb = await join(b!, name);
    await waitFor(() => ja.seen.size === 1 && jb.seen.size === 1, 'a and b see each other');
    const fromA = jb.seen.get(a!.id!)!;
    await waitFor(() => fromA.getAudioTracks().length === 1, 'b gets a’s audio');
    expect(fromA.getVideoTracks()).to.have.length(0);

    ja.room.replaceStream(await camera());
    // Same stream id, so the video track joins the stream b already has from a.
    await waitFor(() => fromA.getVideoTracks().length === 1, 'a’s new video track reaches b');
    await streamDecodes(fromA, 'b decodes a’s video');
    await waitFor(async () => (await outbound(ja.room.getPeerConnection()!)).video === 1, 'a uploads one video stream');
  });

  it('leave and drop end the member’s tracks at every subscriber and release the server’s resources', async () => {
    const name = uid('sfuleave');
    const [a, b, c, w] = await peers(4, 'sl-');
    const d = await openPeer(uid('sl-drop'), { autoReconnect: false });
    const ja = await join(a!, name);
    const jb = await join(b!, name);
    const jc = await join(c!, name);
    const jd = await join(d, name);
    // Receive-only and last in, so a's tracks are its first forwarded m-lines: when those were its first
    // m-lines at all, a's leave rejected the BUNDLE-tagged section and the watcher's connection broke.
    const jw = await join(w!, name, { receiveOnly: true });
    await waitFor(() => [ja, jb, jc, jd].every(({ seen }) => seen.size === 3) && jw.seen.size === 4, 'everyone gets every stream');
    await Promise.all([jb, jc, jd, jw].map(({ seen }) => streamDecodes(seen.get(a!.id!)!, 'a decodes before it leaves')));

    /** Frames keep being decoded on these members' SFU connections. */
    const stillDecoding = async (what: string, ...members: Array<{ room: SfuRoom }>) => {
      const pcs = members.map(({ room }) => room.getPeerConnection()!);
      const before = await Promise.all(pcs.map(framesDecoded));
      await waitFor(async () => (await Promise.all(pcs.map(framesDecoded))).every((f, i) => f > before[i]!), what);
    };

    // Leave: a closes the room.
    const leaves = [jb, jc, jd, jw].map(({ room }) => next<string>(room, 'peerLeave'));
    ja.room.close();
    expect(await Promise.all(leaves)).to.deep.equal([a!.id, a!.id, a!.id, a!.id]);
    await waitFor(() => [jb, jc, jd, jw].every(({ seen }) => ended(seen.get(a!.id!)!)), "a's tracks end at every subscriber");
    await stillDecoding('the others still decode each other after the leave', jb, jc, jd, jw);

    // Drop: d's socket dies without a close frame; after the grace period the server removes it.
    const drops = [jb, jc, jw].map(({ room }) => next<string>(room, 'peerLeave'));
    await dropPeer(d.id!);
    expect(await Promise.all(drops)).to.deep.equal([d.id, d.id, d.id]);
    await waitFor(() => [jb, jc, jw].every(({ seen }) => ended(seen.get(d.id!)!)), "d's tracks end at every subscriber");
    await stillDecoding('b, c and the watcher still decode after the drop', jb, jc, jw);
    const state = (await serverState()).rooms.find((r) => r.name === name)!;
    expect(state.members.sort()).to.deep.equal([b!.id, c!.id, w!.id].sort());
    expect((await serverState()).sfu).to.include({ members: 3, peerConnections: 3, subscriptions: 2 + 2 + 4 });

    for (const { room } of [jb, jc, jw]) room.close();
    await sfuReleased();
  });
});
