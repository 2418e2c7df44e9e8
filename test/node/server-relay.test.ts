import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { EclServer } from '../../src/server/index.js';
import { Client, startServer } from './helpers.js';

const offer = { type: 'offer', sdp: 'v=0\r\n' } as const;

describe('relay and bad input', () => {
  let server: EclServer;
  before(async () => {
    server = await startServer({ rateLimitPerSecond: 50, rateLimitBurst: 50 });
  });
  after(() => server.close());

  it('relays a signal to the destination with the sender stamped as src, even when the sender claims another', async () => {
    const a = await Client.open(server, 'key=demo&id=a1');
    const b = await Client.open(server, 'key=demo&id=b1');
    a.send({ type: 'signal', src: 'b1', dst: 'b1', connectionId: 'c1', connectionType: 'media', signal: offer, options: { metadata: { hi: 1 } } });
    const got = await b.next('signal');
    assert.equal(got.src, 'a1');
    assert.deepEqual(got.signal, offer);
    assert.deepEqual(got.options, { metadata: { hi: 1 } });
    a.send({ type: 'hangup', dst: 'b1', connectionId: 'c1', connectionType: 'media' });
    assert.equal((await b.next('hangup')).src, 'a1');
    await Promise.all([a.close(), b.close()]);
  });

  it('answers a message to an absent peer with peer-unavailable naming it', async () => {
    const a = await Client.open(server, 'key=demo');
    a.send({ type: 'signal', dst: 'nobody', connectionId: 'c2', connectionType: 'data', signal: offer });
    const err = await a.next('error');
    assert.equal(err.errorType, 'peer-unavailable');
    assert.equal(err.peerId, 'nobody');
    assert.equal(err.connectionId, 'c2');
    await a.close();
  });

  it('never relays across API keys', async () => {
    const a = await Client.open(server, 'key=demo&id=same');
    const b = await Client.open(server, 'key=other&id=target');
    a.send({ type: 'signal', dst: 'target', connectionId: 'c3', connectionType: 'media', signal: offer });
    assert.equal((await a.next('error')).errorType, 'peer-unavailable');
    a.send({ type: 'list-peers', requestId: 7 });
    const list = await a.next('peers');
    assert.ok(list.peers.includes('same') && !list.peers.includes('target'));
    a.send({ type: 'peer-exists', requestId: 8, peerId: 'target' });
    assert.equal((await a.next('peer-exists')).exists, false);
    b.send({ type: 'peer-exists', requestId: 9, peerId: 'target' });
    assert.equal((await b.next('peer-exists')).exists, true);
    await Promise.all([a.close(), b.close()]);
  });

  it('answers malformed frames with typed errors and keeps serving', async () => {
    const a = await Client.open(server, 'key=demo');
    const cases: [string | Buffer | object, RegExp][] = [
      ['{not json', /not valid JSON/],
      [Buffer.from([0xc1, 0xff, 0x00]), /MessagePack/],
      [{ type: 'teleport' }, /invalid message/],
      [{ type: 'signal', dst: 'x' }, /invalid message/],
      [{ type: 'signal', dst: 'bad id!', connectionId: 'c', connectionType: 'media', signal: offer }, /dst/],
      [{ type: 'signal', dst: 'x', connectionId: 'c', connectionType: 'media', signal: { type: 'offer', sdp: 'x'.repeat(300_000) } }, /./],
      ['"just a string"', /invalid message/],
      ['null', /invalid message/],
    ];
    for (const [frame, reason] of cases) {
      a.send(frame);
      const err = await a.next('error');
      assert.equal(err.errorType, 'invalid-message', JSON.stringify(frame).slice(0, 60));
      assert.match(err.message, reason);
    }
    // Still the same socket, still served.
    a.send({ type: 'list-peers', requestId: 1 });
    assert.ok((await a.next('peers')).peers.includes(a.id));
    await a.close();
  });

  it('closes a socket that sends a frame over the hard size limit, and keeps serving others', async () => {
    const a = await Client.open(server, 'key=demo');
    a.send(Buffer.alloc(8 * 1024 * 1024, 1));
    assert.equal(await a.closed(), 1009);
    const b = await Client.open(server, 'key=demo');
    await b.close();
  });

  it('refuses messages beyond the rate limit with a typed error', async () => {
    const a = await Client.open(server, 'key=demo');
    for (let i = 0; i < 80; i++) a.send({ type: 'list-peers', requestId: i });
    const err = await a.next('error');
    assert.equal(err.errorType, 'invalid-message');
    assert.match(err.message, /rate limit/);
    await a.close();
  });

  it('survives a client that disconnects mid-handshake', async () => {
    const ws = new WebSocket(`${server.signalingUrl}?key=demo`);
    ws.on('error', () => undefined);
    ws.on('open', () => ws.terminate());
    await new Promise((r) => ws.on('close', r));
    const b = await Client.open(server, 'key=demo');
    await b.close();
  });
});
