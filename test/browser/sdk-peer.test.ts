import { expect } from '@open-wc/testing';
import { Emitter, Peer, PeerError } from '../../src/sdk/index.js';
import { env, serverState, waitFor } from './helpers/env.js';
import { next, openPeer, peer, uid } from './sdk-support.js';

describe('SDK Peer: open, IDs and typed errors', () => {
  it('opens with a server-assigned random ID that the server lists', async () => {
    const p = peer();
    const id = await next<string>(p, 'open');
    expect(id).to.match(/^[A-Za-z0-9_-]{10,64}$/);
    expect(p.id).to.equal(id);
    expect(p.open).to.equal(true);
    expect((await serverState()).peers).to.include(id);
  });

  it('opens with a chosen ID', async () => {
    const id = uid('chosen');
    const p = peer(id);
    expect(await next<string>(p, 'open')).to.equal(id);
    expect((await serverState()).peers).to.include(id);
  });

  it('delivers events to on() and addEventListener() (CustomEvent detail) alike', async () => {
    const p = peer();
    const viaDom = new Promise<string>((resolve) =>
      p.addEventListener('open', (e) => resolve((e as CustomEvent<string>).detail), { once: true }),
    );
    const viaOn = next<string>(p, 'open');
    const [a, b] = await Promise.all([viaDom, viaOn]);
    expect(a).to.equal(b);
    expect(p).to.be.instanceOf(Emitter);
    expect(p).to.be.instanceOf(EventTarget);
  });

  it('Emitter: once fires once, off removes, emit dispatches CustomEvent', () => {
    const e = new Emitter<{ ping: number }>();
    const seen: number[] = [];
    const dom: number[] = [];
    const fn = (n: number) => seen.push(n);
    e.once('ping', (n) => seen.push(n * 10));
    e.on('ping', fn);
    e.addEventListener('ping', (ev) => dom.push((ev as CustomEvent<number>).detail));
    e.emit('ping', 1);
    e.emit('ping', 2);
    e.off('ping', fn);
    e.emit('ping', 3);
    expect(seen).to.deep.equal([10, 1, 2]);
    expect(dom).to.deep.equal([1, 2, 3]);
  });

  it('unavailable-id when the ID is taken', async () => {
    const id = uid('taken');
    await openPeer(id);
    const second = peer(id);
    const error = await next<PeerError>(second, 'error');
    expect(error).to.be.instanceOf(PeerError);
    expect(error.type).to.equal('unavailable-id');
    await waitFor(() => second.destroyed, 'refused peer is destroyed');
  });

  it('invalid-id for an ID the server would refuse, without connecting', async () => {
    const p = peer('no spaces allowed');
    const error = await next<PeerError>(p, 'error');
    expect(error.type).to.equal('invalid-id');
    expect(p.destroyed).to.equal(true);
  });

  it('invalid-key for an unknown API key', async () => {
    const p = new Peer({ key: 'nope' });
    const error = await next<PeerError>(p, 'error');
    expect(error.type).to.equal('invalid-key');
    await waitFor(() => p.destroyed, 'refused peer is destroyed');
    expect(p.open).to.equal(false);
  });

  it('invalid-domain when the key does not allow this origin', async () => {
    const { restrictedSignaling } = await env();
    const p = new Peer({ key: 'restricted', server: restrictedSignaling });
    const error = await next<PeerError>(p, 'error');
    expect(error.type).to.equal('invalid-domain');
    await waitFor(() => p.destroyed, 'refused peer is destroyed');
  });

  it('socket-error when no server answers', async () => {
    const p = new Peer({ key: 'demo', server: 'ws://127.0.0.1:9/signaling' });
    const error = await next<PeerError>(p, 'error');
    expect(error.type).to.equal('socket-error');
    expect(p.disconnected).to.equal(true);
    p.destroy();
  });

  it('socket-error for a server URL WebSocket cannot use', async () => {
    const p = new Peer({ key: 'demo', server: 'ftp://example.invalid/signaling' });
    const error = await next<PeerError>(p, 'error');
    expect(error.type).to.equal('socket-error');
    expect(p.open).to.equal(false);
    p.destroy();
  });

  it('peer-unavailable for a call and a connection to an absent ID', async () => {
    const p = await openPeer();
    const absent = uid('absent');
    const call = p.call(absent);
    const [error] = await Promise.all([next<PeerError>(p, 'error'), next(call, 'close')]);
    expect(error.type).to.equal('peer-unavailable');
    expect(error.message).to.contain(absent);
    expect(call.open).to.equal(false);
    expect(call.closed).to.equal(true);

    const dc = p.connect(absent);
    const error2 = await next<PeerError>(p, 'error');
    expect(error2.type).to.equal('peer-unavailable');
    await waitFor(() => dc.closed, 'data connection closed');
  });

  it('listAllPeers and fetchPeerExists see peers of the same key only', async () => {
    const a = await openPeer(uid('list-a'));
    const b = await openPeer(uid('list-b'));
    const other = await openPeer(uid('list-other'), { key: 'other' });
    const peers = await a.listAllPeers();
    expect(peers).to.include.members([a.id!, b.id!]);
    expect(peers).not.to.include(other.id);
    const viaCallback = await new Promise<string[]>((resolve) => void a.listAllPeers(resolve));
    expect(viaCallback).to.include(b.id);
    expect(await a.fetchPeerExists(b.id!)).to.equal(true);
    expect(await a.fetchPeerExists(other.id!)).to.equal(false);
    expect(await a.fetchPeerExists(uid('nobody'))).to.equal(false);
  });

  it('destroy() frees the ID at once, emits close and ends the peer for good', async () => {
    const id = uid('destroy');
    const p = await openPeer(id);
    const closed = next(p, 'close');
    p.destroy();
    await closed;
    expect(p.destroyed).to.equal(true);
    await waitFor(async () => !(await serverState()).peers.includes(id), 'server frees the ID');
    expect(() => p.call('someone')).to.throw(PeerError);
    // The ID is free again for someone else.
    await openPeer(id);
  });
});
