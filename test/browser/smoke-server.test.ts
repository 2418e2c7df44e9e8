import { expect } from '@open-wc/testing';
import { encodeFrame } from '../../src/protocol/index.js';
import { serverState, waitFor } from './helpers/env.js';

function open(url: string): Promise<{ ws: WebSocket; first: any }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onmessage = (e) => resolve({ ws, first: JSON.parse(e.data) });
    ws.onerror = () => reject(new Error('socket error'));
  });
}

const base = `ws://${location.host}/signaling`;

describe('signaling server (raw protocol from a real page)', () => {
  it('opens with a random id and shows the peer in server state', async () => {
    const { ws, first } = await open(`${base}?key=demo`);
    expect(first.type).to.equal('open');
    expect(first.peerId).to.match(/^[A-Za-z0-9_-]{21}$/);
    expect((await serverState()).peers).to.include(first.peerId);
    ws.close(1000);
    await waitFor(async () => !(await serverState()).peers.includes(first.peerId), 'clean close frees the id');
  });
});
