import { expect } from '@open-wc/testing';
import type { MediaConnection } from '../../src/sdk/index.js';
import { dropPeer, serverState, streamDecodes, videoShape, waitFor } from './helpers/env.js';
import { camera, next, openPeer, uid } from './sdk-support.js';

describe('SDK Peer: disconnect, drop and reconnect', () => {
  it('an unexpected drop reconnects automatically within the grace period and keeps the ID', async () => {
    const id = uid('drop');
    const p = await openPeer(id);
    const disconnected = next<string>(p, 'disconnected');
    const reopened = next<string>(p, 'open');
    await dropPeer(id);
    expect(await disconnected).to.equal(id);
    expect(await reopened).to.equal(id);
    expect(p.open).to.equal(true);
    expect(p.disconnected).to.equal(false);
    expect((await serverState()).peers).to.include(id);
    // Signaling works on the new socket.
    const other = await openPeer(uid('drop-other'));
    expect(await p.fetchPeerExists(other.id!)).to.equal(true);
  });

  it('a call survives a signaling drop, and a hang-up after the reconnect still reaches the other side', async () => {
    const [a, b] = await Promise.all([openPeer(uid('drop-call-a')), openPeer(uid('drop-call-b'))]);
    const incoming = next<MediaConnection>(b, 'call');
    const call = a.call(b.id!, await camera());
    const callee = await incoming;
    callee.answer(await camera());
    const remote = await next<MediaStream>(call, 'stream');
    const video = await streamDecodes(remote);
    const reopened = next(a, 'open');
    await dropPeer(a.id!);
    await reopened;
    expect(call.open).to.equal(true);
    expect(videoShape(video)).to.equal('camera 4:3');
    const closed = next(callee, 'close');
    call.close();
    await closed;
  });

  it('disconnect() frees the ID at once; reconnect() claims it again', async () => {
    const id = uid('manual');
    const p = await openPeer(id);
    const disconnected = next<string>(p, 'disconnected');
    p.disconnect();
    expect(await disconnected).to.equal(id);
    expect(p.disconnected).to.equal(true);
    await waitFor(async () => !(await serverState()).peers.includes(id), 'server frees the ID');
    await expectRejects(p.listAllPeers(), 'disconnected');
    const reopened = next<string>(p, 'open');
    p.reconnect();
    expect(await reopened).to.equal(id);
    expect((await serverState()).peers).to.include(id);
  });

  it('without autoReconnect a dropped peer stays away and the server frees its ID after the grace period', async () => {
    const id = uid('noauto');
    const p = await openPeer(id, { autoReconnect: false });
    let reopened = false;
    p.on('open', () => (reopened = true));
    const disconnected = next(p, 'disconnected');
    await dropPeer(id);
    await disconnected;
    await waitFor(async () => !(await serverState()).peers.includes(id), 'grace period ends');
    expect(reopened).to.equal(false);
    expect(p.disconnected).to.equal(true);
  });

  it('reconnecting after the grace period gets the (free) ID back but not the lost session\'s rooms', async () => {
    const id = uid('late');
    const p = await openPeer(id, { autoReconnect: false });
    const room = p.joinRoom(uid('late-room'));
    await next(room, 'open');
    await dropPeer(id);
    await waitFor(async () => !(await serverState()).peers.includes(id), 'grace period ends');
    const roomClosed = next(room, 'close');
    const reopened = next<string>(p, 'open');
    p.reconnect();
    expect(await reopened).to.equal(id);
    await roomClosed;
    expect(room.open).to.equal(false);
  });
});

async function expectRejects(promise: Promise<unknown>, type: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect((err as { type?: string }).type).to.equal(type);
    return;
  }
  expect.fail('expected a rejection');
}
