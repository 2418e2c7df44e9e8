import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EclServer } from '../../src/server/index.js';
import { Client, startServer, until } from './helpers.js';

describe('rooms on the server', () => {
  let server: EclServer;
  before(async () => {
    server = await startServer({ graceMs: 200, maxMeshMembers: 3, maxRoomDataBytes: 64 * 1024, roomLogSize: 5 });
  });
  after(() => server.close());

  const join = (c: Client, room: string, mode: 'mesh' | 'sfu' = 'mesh') => c.send({ type: 'room-join', room, mode });

  it('tells a newcomer who is there and tells the others it came and went', async () => {
    const a = await Client.open(server, 'key=demo&id=ra');
    const b = await Client.open(server, 'key=demo&id=rb');
    join(a, 'lobby');
    assert.deepEqual((await a.next('room-joined')).members, []);
    join(b, 'lobby');
    assert.deepEqual((await b.next('room-joined')).members, ['ra']);
    assert.equal((await a.next('room-peer-join')).peerId, 'rb');
    b.send({ type: 'room-leave', room: 'lobby' });
    await b.next('room-left');
    assert.equal((await a.next('room-peer-leave')).peerId, 'rb');
    a.send({ type: 'room-leave', room: 'lobby' });
    await a.next('room-left');
    assert.deepEqual((await server.inspect()).rooms, [], 'the room is removed with its last member');
    await Promise.all([a.close(), b.close()]);
  });

  it('carries room data to every other member once, with src stamped, JSON and binary', async () => {
    const [a, b, c] = await Promise.all(['da', 'db', 'dc'].map((id) => Client.open(server, `key=demo&id=${id}`)));
    for (const m of [a, b, c]) {
      join(m, 'data');
      await m.next('room-joined');
    }
    a.send({ type: 'room-send', room: 'data', data: { text: 'hello', n: [1, 2] } });
    for (const m of [b, c]) assert.deepEqual(await m.next('room-data'), { type: 'room-data', room: 'data', src: 'da', data: { text: 'hello', n: [1, 2] } });
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    b.send({ type: 'room-send', room: 'data', data: bytes });
    for (const m of [a, c]) {
      const got = await m.next('room-data');
      assert.equal(got.src, 'db');
      assert.deepEqual(new Uint8Array(got.data as Uint8Array), bytes);
    }
    // The sender gets nothing back.
    a.send({ type: 'list-peers', requestId: 1 });
    await a.next('peers');
    assert.equal(a.received.filter((m) => m.type === 'room-data').length, 0, 'no echo of its own message to the sender');
    assert.equal(c.received.filter((m) => m.type === 'room-data').length, 0, 'each message arrives once');
    await Promise.all([a, b, c].map((m) => m.close()));
  });

  it('announces its room data limit when a peer opens', async () => {
    const c = new Client(`${server.signalingUrl}?key=demo`);
    const open = await c.next('open');
    assert.deepEqual(open.limits, { maxRoomDataBytes: 64 * 1024 });
    await c.close();
  });

  it('refuses over-size data and data into a room the sender has not joined, with room-error', async () => {
    const a = await Client.open(server, 'key=demo');
    join(a, 'big');
    await a.next('room-joined');
    a.send({ type: 'room-send', room: 'big', data: new Uint8Array(65 * 1024 + 2048) });
    const big = await a.next('error');
    assert.equal(big.errorType, 'room-error');
    assert.match(big.message, /exceeds/);
    a.send({ type: 'room-send', room: 'elsewhere', data: 'x' });
    const outsider = await a.next('error');
    assert.equal(outsider.errorType, 'room-error');
    assert.equal(outsider.room, 'elsewhere');
    await a.close();
  });

  it('refuses a member over the limit, a second join and a mode mismatch', async () => {
    const members = await Promise.all([1, 2, 3, 4].map(() => Client.open(server, 'key=demo')));
    for (const m of members.slice(0, 3)) {
      join(m, 'full');
      await m.next('room-joined');
    }
    join(members[3], 'full');
    assert.match((await members[3].next('error')).message, /full/);
    join(members[0], 'full');
    assert.match((await members[0].next('error')).message, /already a member/);
    join(members[3], 'full', 'sfu');
    assert.match((await members[3].next('error')).message, /mesh room/);
    await Promise.all(members.map((m) => m.close()));
  });

  it('keeps rooms of the same name under two keys apart', async () => {
    const a = await Client.open(server, 'key=demo');
    const b = await Client.open(server, 'key=other');
    join(a, 'shared-name');
    join(b, 'shared-name');
    assert.deepEqual((await a.next('room-joined')).members, []);
    assert.deepEqual((await b.next('room-joined')).members, []);
    a.send({ type: 'room-send', room: 'shared-name', data: 'only demo' });
    b.send({ type: 'list-peers', requestId: 2 });
    await b.next('peers');
    assert.ok(!b.received.some((m) => m.type === 'room-data' || m.type === 'room-peer-join'));
    assert.deepEqual((await server.inspect('other')).rooms[0].members, [b.id]);
    await Promise.all([a.close(), b.close()]);
  });

  it('allows mesh room connections only between members of that room', async () => {
    const a = await Client.open(server, 'key=demo&id=ma');
    const b = await Client.open(server, 'key=demo&id=mb');
    join(a, 'meshy');
    await a.next('room-joined');
    a.send({ type: 'signal', dst: 'mb', connectionId: 'x', connectionType: 'media', signal: { type: 'offer', sdp: 'v=0' }, options: { room: 'meshy' } });
    assert.equal((await a.next('error')).errorType, 'room-error');
    join(b, 'meshy');
    await b.next('room-joined');
    a.send({ type: 'signal', dst: 'mb', connectionId: 'x', connectionType: 'media', signal: { type: 'offer', sdp: 'v=0' }, options: { room: 'meshy' } });
    assert.equal((await b.next('signal')).options?.room, 'meshy');
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps a bounded log of joins, leaves and data', async () => {
    const a = await Client.open(server, 'key=demo&id=la');
    const b = await Client.open(server, 'key=demo&id=lb');
    join(a, 'logged');
    await a.next('room-joined');
    join(b, 'logged');
    await b.next('room-joined');
    a.send({ type: 'room-send', room: 'logged', data: { n: 1 } });
    await b.next('room-data');
    a.send({ type: 'room-log', requestId: 3, room: 'logged' });
    const { log } = await a.next('room-log');
    assert.deepEqual(log.map((e) => [e.type, e.peerId]), [['join', 'la'], ['join', 'lb'], ['data', 'la']]);
    assert.deepEqual(log[2].data, { n: 1 });
    assert.ok(log.every((e) => typeof e.timestamp === 'number'));
    for (let i = 0; i < 10; i++) a.send({ type: 'room-send', room: 'logged', data: i });
    a.send({ type: 'room-log', requestId: 4, room: 'logged' });
    const bounded = await a.next('room-log');
    assert.equal(bounded.log.length, 5);
    assert.deepEqual(bounded.log.at(-1)?.data, 9);
    await Promise.all([a.close(), b.close()]);
  });

  it('removes a dropped member from its rooms after the grace period, and the empty room with it', async () => {
    const a = await Client.open(server, 'key=demo&id=stay');
    const b = await Client.open(server, 'key=demo&id=gone');
    join(a, 'dropzone');
    await a.next('room-joined');
    join(b, 'dropzone');
    await b.next('room-joined');
    server.dropPeer('gone');
    assert.equal((await a.next('room-peer-leave')).peerId, 'gone');
    await a.close();
    await until(async () => (await server.inspect()).rooms.every((r) => r.name !== 'dropzone'), 'room removed');
  });
});
