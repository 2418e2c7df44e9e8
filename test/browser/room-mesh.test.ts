import { expect } from '@open-wc/testing';
import type { MeshRoom, Peer, PeerError, RoomData, RoomOptions, RoomStream } from '../../src/sdk/index.js';
import { dropPeer, framesDecoded, serverState, streamDecodes, videoShape, waitFor } from './helpers/env.js';
import { camera, canvasStream, next, openPeer, uid } from './sdk-support.js';

async function peers(n: number, prefix: string, key = 'demo'): Promise<Peer[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => openPeer(uid(`${prefix}${i}`), { key })));
}

async function join(peer: Peer, name: string, options: RoomOptions = {}): Promise<MeshRoom> {
  const room = peer.joinRoom(name, { ...options, mode: 'mesh' });
  await next(room, 'open');
  return room;
}

/** Records every stream a room announces, by member ID. */
function streamsOf(room: MeshRoom): Map<string, RoomStream> {
  const seen = new Map<string, RoomStream>();
  room.on('stream', (stream) => seen.set(stream.peerId, stream));
  return seen;
}

function dataOf(room: MeshRoom): RoomData[] {
  const seen: RoomData[] = [];
  room.on('data', (d) => seen.push(d));
  return seen;
}

async function roomGone(name: string, key = 'demo'): Promise<void> {
  await waitFor(async () => !(await serverState(key)).rooms.some((r) => r.name === name), `room ${name} removed from the server`);
}

/** ICE ufrags prove two RTCPeerConnections are the two ends of one connection. */
function ufrag(sdp: string | undefined): string | undefined {
  return sdp?.match(/a=ice-ufrag:(\S+)/)?.[1];
}

describe('MeshRoom', () => {
  it('4 members: each decodes 3 remote videos, each labelled with the right member ID', async () => {
    const name = uid('mesh4');
    const members = await peers(4, 'm4-');
    const rooms: MeshRoom[] = [];
    const seen: Array<Map<string, RoomStream>> = [];
    for (const p of members) {
      const room = p.joinRoom(name, { stream: await camera() }) as MeshRoom;
      seen.push(streamsOf(room));
      await next(room, 'open');
      rooms.push(room);
    }
    const ids = members.map((p) => p.id!);
    await waitFor(() => seen.every((m) => m.size === 3), 'every member gets 3 streams');
    for (let i = 0; i < 4; i++) {
      const others = ids.filter((id) => id !== ids[i]);
      expect([...seen[i]!.keys()].sort()).to.deep.equal([...others].sort());
      expect(rooms[i]!.members.sort()).to.deep.equal([...others].sort());
      for (const [peerId, stream] of seen[i]!) expect(stream.peerId).to.equal(peerId);
    }
    await Promise.all(seen.flatMap((m, i) => [...m.values()].map((s) => streamDecodes(s, `member ${i} decodes ${s.peerId}`))));
    for (const room of rooms) {
      const pcs = room.getPeerConnections();
      expect(Object.keys(pcs)).to.have.length(3);
      await waitFor(async () => {
        const frames = await Promise.all(Object.values(pcs).map((pc) => framesDecoded(pc)));
        return frames.every((f) => f > 0);
      }, 'framesDecoded > 0 on every connection');
    }
  });

  it('leave and drop: peerLeave at every other member; the room disappears from the server when empty', async () => {
    const name = uid('leave');
    const [a, b, c] = await peers(3, 'lv-');
    const d = await openPeer(uid('lv-drop'), { autoReconnect: false });
    const rooms = [await join(a!, name), await join(b!, name), await join(c!, name), await join(d, name)];
    const [ra, rb, rc, rd] = rooms as [MeshRoom, MeshRoom, MeshRoom, MeshRoom];
    await waitFor(() => rooms.every((r) => Object.keys(r.getPeerConnections()).length === 3), 'full mesh');

    // Leave: c closes the room.
    const leaves = [ra, rb, rd].map((r) => next<string>(r, 'peerLeave'));
    const closed = next(rc, 'close');
    rc.close();
    await closed;
    expect(await Promise.all(leaves)).to.deep.equal([c!.id, c!.id, c!.id]);
    expect(ra.members).to.not.include(c!.id);
    await waitFor(() => !(c!.id! in ra.getPeerConnections()), 'connection to the leaver closed');

    // Drop: d's socket dies and it does not come back; after the grace period it leaves.
    const dropLeaves = [ra, rb].map((r) => next<string>(r, 'peerLeave'));
    await dropPeer(d.id!);
    expect(await Promise.all(dropLeaves)).to.deep.equal([d.id, d.id]);
    expect((await serverState()).rooms.find((r) => r.name === name)?.members.sort()).to.deep.equal([a!.id, b!.id].sort());

    const lastLeave = next<string>(rb, 'peerLeave');
    ra.close();
    expect(await lastLeave).to.equal(a!.id);
    rb.close();
    await roomGone(name);
    void rd;
  });

  it('the same room name under two API keys: no events cross', async () => {
    const name = uid('shared');
    const [a, b] = await peers(2, 'k-demo-');
    const [x] = await peers(1, 'k-other-', 'other');
    const rx = await join(x!, name);
    const xEvents: string[] = [];
    for (const event of ['peerJoin', 'peerLeave', 'data', 'stream'] as const) rx.on(event, () => xEvents.push(event));
    const ra = await join(a!, name);
    const bJoined = next<string>(ra, 'peerJoin');
    // Listen before b joins: b's stream may reach a while the data below is on its way.
    const streamOfB = next<RoomStream>(ra, 'stream');
    const rb = await join(b!, name, { stream: await camera() });
    expect(await bJoined).to.equal(b!.id);
    expect(rx.members).to.deep.equal([]);
    expect(rb.members).to.deep.equal([a!.id]);
    const got = next<RoomData>(rb, 'data');
    ra.send({ hello: 'demo' });
    expect((await got).data).to.deep.equal({ hello: 'demo' });
    expect((await streamOfB).peerId).to.equal(b!.id);
    // x's own log (kept by the server per key) has only x's join: nothing of key demo reached its room.
    const log = await rx.getLog();
    expect(log.map((e) => [e.type, e.peerId])).to.deep.equal([['join', x!.id]]);
    expect(xEvents).to.deep.equal([]);
    expect((await serverState('other')).rooms.find((r) => r.name === name)?.members).to.deep.equal([x!.id]);
    expect((await serverState('demo')).rooms.find((r) => r.name === name)?.members.sort()).to.deep.equal([a!.id, b!.id].sort());
  });

  it('send reaches every other member exactly once (JSON and binary), not the sender; over-size is refused', async () => {
    const name = uid('send');
    const [a, b, c] = await peers(3, 'snd-');
    const ra = await join(a!, name);
    const rb = await join(b!, name);
    const rc = await join(c!, name);
    const [da, db, dc] = [dataOf(ra), dataOf(rb), dataOf(rc)];
    ra.send({ kind: 'json', list: [1, 'two'] });
    ra.send(new Uint8Array([9, 8, 7]));
    ra.send({ nested: new Float32Array([0.5]).buffer });

    // The test server allows 2 MiB (it says so in `open`): 1.5 MiB goes through, one byte over 2 MiB does not.
    ra.send(new Uint8Array(1.5 * 1024 * 1024).fill(7));
    const error = next<PeerError>(ra, 'error');
    ra.send(new Uint8Array(2 * 1024 * 1024 + 1));
    expect((await error).type).to.equal('room-error');
    expect((await error).message).to.contain(`limit of ${2 * 1024 * 1024} bytes`);

    ra.send('end-a');
    rb.send('end-b');
    await waitFor(() => db.some((d) => d.data === 'end-a') && dc.some((d) => d.data === 'end-a') && da.some((d) => d.data === 'end-b'), 'markers');
    for (const received of [db, dc]) {
      const fromA = received.filter((d) => d.src === a!.id);
      expect(fromA).to.have.length(5);
      expect(fromA[0]!.data).to.deep.equal({ kind: 'json', list: [1, 'two'] });
      expect(fromA[1]!.data).to.be.instanceOf(Uint8Array);
      expect([...(fromA[1]!.data as Uint8Array)]).to.deep.equal([9, 8, 7]);
      const nested = (fromA[2]!.data as { nested: Uint8Array }).nested;
      expect(nested).to.be.instanceOf(Uint8Array);
      expect([...nested]).to.deep.equal([...new Uint8Array(new Float32Array([0.5]).buffer)]);
      const large = fromA[3]!.data as Uint8Array;
      expect(large.byteLength).to.equal(1.5 * 1024 * 1024);
      expect(large.every((byte) => byte === 7)).to.equal(true);
      expect(fromA[4]!.data).to.equal('end-a');
    }
    // The sender hears only the others.
    expect(da.map((d) => d.src)).to.deep.equal([b!.id]);
  });

  it('3 members joining in the same tick end with exactly one RTCPeerConnection per pair', async () => {
    const name = uid('race');
    const members = await peers(3, 'race-');
    const Native = window.RTCPeerConnection;
    let created = 0;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        created += 1;
      }
    };
    try {
      const rooms = members.map((p) => p.joinRoom(name) as MeshRoom);
      await Promise.all(rooms.map((r) => next(r, 'open')));
      await waitFor(
        () => rooms.every((r) => Object.values(r.getPeerConnections()).length === 2 && Object.values(r.getPeerConnections()).every((pc) => pc.connectionState === 'connected')),
        'every member connected to both others',
      );
      const ids = members.map((p) => p.id!);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          if (i === j) continue;
          const mine = rooms[i]!.getPeerConnections()[ids[j]!]!;
          const theirs = rooms[j]!.getPeerConnections()[ids[i]!]!;
          expect(ufrag(mine.localDescription?.sdp)).to.equal(ufrag(theirs.remoteDescription?.sdp));
        }
      }
      expect(created).to.equal(6); // 3 pairs, 2 ends each: no duplicate ever created
    } finally {
      window.RTCPeerConnection = Native;
    }
  });

  it('glare (both sides of a pair offer at once) keeps the connection offered by the smaller peer ID, on both sides', async () => {
    const name = uid('glare');
    const [a, b] = await peers(2, 'glare-');
    const ra = await join(a!, name);
    const Native = window.RTCPeerConnection;
    const created: RTCPeerConnection[] = [];
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        created.push(this);
      }
    };
    try {
      const rb = b!.joinRoom(name) as MeshRoom;
      // The moment b knows it is in (and starts offering to a), make a offer to b as well, as a
      // reconnect or an out-of-order relay could: both offers are now in flight.
      rb.once('open', () => (ra as unknown as { onJoined(ids: string[]): void }).onJoined([b!.id!]));
      await next(rb, 'open');
      const rooms = [ra, rb];
      await waitFor(
        () => rooms.every((r) => Object.values(r.getPeerConnections()).length === 1 && Object.values(r.getPeerConnections())[0]!.connectionState === 'connected'),
        'one connected pair',
      );
      // Both offered (2), the winner's offer got an answering end (1); the losing offer was declined
      // before it got one, and the losing offerer's end is closed.
      expect(created).to.have.length(3);
      await waitFor(() => created.filter((pc) => pc.signalingState === 'closed').length === 1, 'the losing offer is closed');
      const atA = ra.getPeerConnections()[b!.id!]!;
      const atB = rb.getPeerConnections()[a!.id!]!;
      expect(ufrag(atA.localDescription?.sdp)).to.equal(ufrag(atB.remoteDescription?.sdp));
      const smaller = a!.id! < b!.id! ? atA : atB;
      const larger = smaller === atA ? atB : atA;
      expect(smaller.localDescription?.type).to.equal('offer');
      expect(larger.localDescription?.type).to.equal('answer');
    } finally {
      window.RTCPeerConnection = Native;
    }
  });

  it('a receive-only member gets everyone\'s streams and sends none', async () => {
    const name = uid('recv');
    const [a, b, r] = await peers(3, 'ro-');
    const ra = await join(a!, name, { stream: await camera() });
    const rb = await join(b!, name, { stream: await camera() });
    const seenA = streamsOf(ra);
    const seenB = streamsOf(rb);
    const rr = r!.joinRoom(name, { receiveOnly: true, stream: await camera() }) as MeshRoom;
    const seenR = streamsOf(rr);
    await next(rr, 'open');
    await waitFor(() => seenR.size === 2 && seenA.size === 1 && seenB.size === 1, 'streams');
    await Promise.all([...seenR.values()].map((s) => streamDecodes(s, `receive-only member decodes ${s.peerId}`)));
    await waitFor(async () => (await framesDecoded(rr.getPeerConnections()[a!.id!]!)) > 0, 'receive-only member decodes a');
    expect([...seenA.keys()]).to.deep.equal([b!.id]);
    expect([...seenB.keys()]).to.deep.equal([a!.id]);
    const senders = Object.values(rr.getPeerConnections()).flatMap((pc) => pc.getSenders().filter((s) => s.track));
    expect(senders).to.have.length(0);
    expect(await framesDecoded(ra.getPeerConnections()[r!.id!]!)).to.equal(0);
  });

  it('a full room is refused with the server\'s typed room-error (test server: 6 members)', async () => {
    const name = uid('full');
    const members = await peers(7, 'full-');
    for (const p of members.slice(0, 6)) await join(p, name);
    const room = members[6]!.joinRoom(name);
    const closed = new Promise((resolve) => room.once('close', resolve));
    const [error] = await Promise.all([next<PeerError>(room, 'error'), closed]);
    expect(error.type).to.equal('room-error');
    expect(error.message).to.contain('full');
    expect(room.open).to.equal(false);
    expect((await serverState()).rooms.find((r) => r.name === name)?.members).to.have.length(6);
  });

  it('getLog returns joins, data and leaves in order and emits log', async () => {
    const name = uid('log');
    const [a, b] = await peers(2, 'log-');
    const ra = await join(a!, name);
    const rb = await join(b!, name);
    const got = next(rb, 'data');
    ra.send({ x: 1 });
    await got;
    const left = next(ra, 'peerLeave');
    rb.close();
    await left;
    const emitted = next(ra, 'log');
    const log = await ra.getLog();
    expect(await emitted).to.deep.equal(log);
    expect(log.map((e) => [e.type, e.peerId])).to.deep.equal([
      ['join', a!.id],
      ['join', b!.id],
      ['data', a!.id],
      ['leave', b!.id],
    ]);
    expect(log[2]!.data).to.deep.equal({ x: 1 });
    expect(log.every((e) => typeof e.timestamp === 'number')).to.equal(true);
  });

  it('replaceStream switches what every member receives, on the same connections', async () => {
    const name = uid('replace');
    const [a, b, c] = await peers(3, 'rep-');
    const ra = await join(a!, name, { stream: await camera() });
    const rb = await join(b!, name, { stream: await camera() });
    const rc = await join(c!, name, { stream: await camera() });
    const fromA = await Promise.all([rb, rc].map(async (room) => {
      const seen = streamsOf(room);
      await waitFor(() => seen.has(a!.id!), 'stream of a');
      return streamDecodes(seen.get(a!.id!)!);
    }));
    const pcs = ra.getPeerConnections();
    ra.replaceStream(canvasStream(320, 180));
    await waitFor(() => fromA.every((v) => videoShape(v) === 'canvas 16:9'), 'everyone sees a\'s new 16:9 video');
    expect(ra.getPeerConnections()).to.deep.equal(pcs);
  });

  it('joining the same room twice is refused; close() emits close once', async () => {
    const [a] = await peers(1, 'twice-');
    const name = uid('twice');
    const room = await join(a!, name);
    expect(() => a!.joinRoom(name)).to.throw(/already in room/);
    let closes = 0;
    room.on('close', () => (closes += 1));
    room.close();
    room.close();
    expect(closes).to.equal(1);
    await roomGone(name);
  });
});
