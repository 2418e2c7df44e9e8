import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EclServer } from '../../src/server/index.js';
import { Client, startServer, until } from './helpers.js';

describe('SFU rooms and bad input', () => {
  let server: EclServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('survives garbage negotiation from a member and keeps serving the room', async () => {
    const a = await Client.open(server, 'key=demo&id=sfu-bad');
    a.send({ type: 'room-join', room: 'sfu-garbage', mode: 'sfu' });
    await a.next('room-joined');
    // The SFU offers first; answer it with nonsense, then send broken candidates and out-of-place offers.
    await a.next('sfu-signal', (m) => m.signal.type === 'offer');
    const garbage = [
      { type: 'answer', sdp: 'this is not SDP' },
      { type: 'answer', sdp: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n' },
      { type: 'candidate', candidate: { candidate: 'candidate:garbage', sdpMid: '0', sdpMLineIndex: 0 } },
      { type: 'candidate', candidate: { candidate: '', sdpMid: '99', sdpMLineIndex: 42 } },
      { type: 'offer', sdp: 'v=0\r\n' },
      { type: 'transceiverRequest', transceiverRequest: { kind: 'video' } },
      { type: 'renegotiate', renegotiate: true },
    ];
    for (const signal of garbage) a.send({ type: 'sfu-signal', room: 'sfu-garbage', signal });
    // Still alive and answering: a second member joins the same room and a request round-trips.
    const b = await Client.open(server, 'key=demo&id=sfu-ok');
    b.send({ type: 'room-join', room: 'sfu-garbage', mode: 'sfu' });
    assert.deepEqual((await b.next('room-joined')).members, ['sfu-bad']);
    await b.next('sfu-signal', (m) => m.signal.type === 'offer');
    a.send({ type: 'list-peers', requestId: 1 });
    assert.ok((await a.next('peers')).peers.includes('sfu-ok'));
    await Promise.all([a.close(), b.close()]);
    await until(async () => {
      const state = await server.inspect();
      return state.rooms.length === 0 && Object.values(state.sfu).every((n) => n === 0);
    }, 'room and SFU resources released', 10_000);
  });
});
