import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EclServer } from '../../src/server/index.js';
import { Client, startServer, until } from './helpers.js';

describe('admission: keys, origins and peer IDs', () => {
  let server: EclServer;
  let restricted: EclServer;
  before(async () => {
    server = await startServer({ graceMs: 300 });
    restricted = await startServer({ keysFile: new URL('../fixtures/keys.json', import.meta.url).pathname });
  });
  after(async () => {
    await server.close();
    await restricted.close();
  });

  it('gives a random nanoid when the client chooses none', async () => {
    const a = await Client.open(server, 'key=demo');
    const b = await Client.open(server, 'key=demo');
    assert.match(a.id, /^[A-Za-z0-9_-]{21}$/);
    assert.notEqual(a.id, b.id);
    await Promise.all([a.close(), b.close()]);
  });

  it('accepts a chosen ID and refuses it to a second client with unavailable-id', async () => {
    const a = await Client.open(server, 'key=demo&id=alice');
    assert.equal(a.id, 'alice');
    const b = new Client(`${server.signalingUrl}?key=demo&id=alice`);
    const err = await b.next('error');
    assert.equal(err.errorType, 'unavailable-id');
    assert.equal(await b.closed(), 4000);
    await a.close();
  });

  it('refuses malformed IDs with invalid-id', async () => {
    for (const bad of ['has space', 'x'.repeat(65), 'semi;colon', 'ünï']) {
      const c = new Client(`${server.signalingUrl}?key=demo&id=${encodeURIComponent(bad)}`);
      assert.equal((await c.next('error')).errorType, 'invalid-id', bad);
    }
  });

  it('frees the ID at once on a clean close', async () => {
    const a = await Client.open(server, 'key=demo&id=clean');
    await a.close(1000);
    await until(async () => !(await server.inspect()).peers.includes('clean'), 'id freed');
    const again = await Client.open(server, 'key=demo&id=clean');
    await again.close();
  });

  it('keeps the ID for its owner through a drop within the grace period, and frees it after', async () => {
    const a = await Client.open(server, 'key=demo&id=dropper');
    server.dropPeer('dropper');
    await a.closed();
    const thief = new Client(`${server.signalingUrl}?key=demo&id=dropper`);
    assert.equal((await thief.next('error')).errorType, 'unavailable-id');
    const back = await Client.open(server, `key=demo&id=dropper&token=${a.token}`);
    assert.equal(back.id, 'dropper');
    server.dropPeer('dropper');
    await until(async () => !(await server.inspect()).peers.includes('dropper'), 'grace period over', 3000);
  });

  it('refuses an unknown key with invalid-key', async () => {
    const c = new Client(`${server.signalingUrl}?key=nope`);
    const err = await c.next('error');
    assert.equal(err.errorType, 'invalid-key');
  });

  it('refuses an origin not in the keys file with invalid-domain, and admits a listed one', async () => {
    const bad = new Client(`${restricted.signalingUrl}?key=restricted`, { origin: 'https://evil.example' });
    assert.equal((await bad.next('error')).errorType, 'invalid-domain');
    const none = new Client(`${restricted.signalingUrl}?key=restricted`);
    assert.equal((await none.next('error')).errorType, 'invalid-domain');
    const good = await Client.open(restricted, 'key=restricted', { origin: 'https://allowed.example' });
    await good.close();
    const defaultKey = new Client(`${restricted.signalingUrl}?key=demo`);
    assert.equal((await defaultKey.next('error')).errorType, 'invalid-key', 'a keys file replaces the demo key');
  });

  it('drops a socket that stops answering heartbeats, then frees its ID after the grace period', async () => {
    const beating = await startServer({ heartbeatMs: 100, graceMs: 100 });
    const silent = await Client.open(beating, 'key=demo&id=silent');
    // Stop reading from the TCP socket: pings go unanswered as on a dead network path.
    (silent.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await until(async () => !(await beating.inspect()).peers.includes('silent'), 'dead socket dropped', 3000);
    await beating.close();
  });
});
