import { expect } from '@open-wc/testing';
import type { MediaConnection, Peer } from '../../src/sdk/index.js';
import { framesDecoded, streamDecodes, videoShape, waitFor } from './helpers/env.js';
import { camera, canvasStream, next, openPeer, uid } from './sdk-support.js';

async function pair(): Promise<[Peer, Peer]> {
  return Promise.all([openPeer(uid('caller')), openPeer(uid('callee'))]);
}

/** Places a call from `a` to `b` and answers it; resolves with both ends. */
async function connect(a: Peer, b: Peer, callerStream?: MediaStream, calleeStream?: MediaStream, metadata?: unknown) {
  const incoming = next<MediaConnection>(b, 'call');
  const outgoing = a.call(b.id!, callerStream, { metadata });
  const callee = await incoming;
  callee.answer(calleeStream);
  return { outgoing, callee };
}

describe('SDK MediaConnection', () => {
  it('a call where both sides receive and decode the other side\'s video', async () => {
    const [a, b] = await pair();
    const [camA, camB] = await Promise.all([camera(), camera()]);
    const incoming = next<MediaConnection>(b, 'call');
    const outgoing = a.call(b.id!, camA, { metadata: { topic: 'hello', n: 1 } });
    const streamAtA = next<MediaStream>(outgoing, 'stream');
    const callee = await incoming;
    expect(callee.remoteId).to.equal(a.id);
    expect(callee.peer).to.equal(a.id);
    expect(callee.metadata).to.deep.equal({ topic: 'hello', n: 1 });
    expect(callee.connectionId).to.equal(outgoing.connectionId);
    const streamAtB = next<MediaStream>(callee, 'stream');
    callee.answer(camB);

    const [remoteAtA, remoteAtB] = await Promise.all([streamAtA, streamAtB]);
    expect(remoteAtA.getVideoTracks()).to.have.length(1);
    expect(remoteAtA.getAudioTracks()).to.have.length(1);
    expect(remoteAtB.getVideoTracks()).to.have.length(1);
    const [videoA, videoB] = await Promise.all([streamDecodes(remoteAtA, 'caller decodes'), streamDecodes(remoteAtB, 'callee decodes')]);
    expect(videoShape(videoA)).to.equal('camera 4:3');
    expect(videoShape(videoB)).to.equal('camera 4:3');
    const pcA = outgoing.getPeerConnection()!;
    const pcB = callee.getPeerConnection()!;
    expect(pcA).to.be.instanceOf(RTCPeerConnection);
    await waitFor(async () => (await framesDecoded(pcA)) > 0 && (await framesDecoded(pcB)) > 0, 'framesDecoded > 0 on both sides');
    expect(outgoing.open).to.equal(true);
    expect(outgoing.remoteStream).to.equal(remoteAtA);
    expect(callee.localStream).to.equal(camB);
  });

  it('decline: the callee closes without answering and the caller gets close', async () => {
    const [a, b] = await pair();
    const incoming = next<MediaConnection>(b, 'call');
    const outgoing = a.call(b.id!, await camera());
    let gotStream = false;
    outgoing.on('stream', () => (gotStream = true));
    const callee = await incoming;
    const calleeClosed = next(callee, 'close');
    const callerClosed = next(outgoing, 'close');
    callee.close();
    await Promise.all([calleeClosed, callerClosed]);
    expect(outgoing.open).to.equal(false);
    expect(gotStream).to.equal(false);
  });

  for (const side of ['caller', 'callee'] as const) {
    it(`hang-up by the ${side} closes both sides`, async () => {
      const [a, b] = await pair();
      const { outgoing, callee } = await connect(a, b, await camera(), await camera());
      await Promise.all([next(outgoing, 'stream'), next(callee, 'stream')]);
      const pcs = [outgoing.getPeerConnection()!, callee.getPeerConnection()!];
      const closed = Promise.all([next(outgoing, 'close'), next(callee, 'close')]);
      (side === 'caller' ? outgoing : callee).close();
      await closed;
      expect(outgoing.open).to.equal(false);
      expect(callee.open).to.equal(false);
      // Both RTCPeerConnections are really closed, not left to time out.
      await waitFor(() => pcs.every((pc) => pc.signalingState === 'closed'), 'both peer connections closed');
    });
  }

  it('receive-only caller: calls without a stream and still gets the callee\'s video', async () => {
    const [a, b] = await pair();
    const { outgoing, callee } = await connect(a, b, undefined, await camera());
    let calleeGotStream = false;
    callee.on('stream', () => (calleeGotStream = true));
    const remote = await next<MediaStream>(outgoing, 'stream');
    await streamDecodes(remote, 'receive-only caller decodes');
    await waitFor(async () => (await framesDecoded(outgoing.getPeerConnection()!)) > 0, 'caller framesDecoded > 0');
    // Nothing was sent towards the callee.
    expect(calleeGotStream).to.equal(false);
    expect(await framesDecoded(callee.getPeerConnection()!)).to.equal(0);
  });

  it('receive-only callee: answers without a stream and still gets the caller\'s video', async () => {
    const [a, b] = await pair();
    const { callee } = await connect(a, b, await camera(), undefined);
    const remote = await next<MediaStream>(callee, 'stream');
    await streamDecodes(remote, 'receive-only callee decodes');
    await waitFor(async () => (await framesDecoded(callee.getPeerConnection()!)) > 0, 'callee framesDecoded > 0');
  });

  it('replaceStream swaps the sent video without a new call (remote sees the 16:9 canvas instead of the 4:3 camera)', async () => {
    const [a, b] = await pair();
    let calls = 0;
    b.on('call', () => (calls += 1));
    const { outgoing, callee } = await connect(a, b, await camera(), await camera());
    const remoteAtB = await next<MediaStream>(callee, 'stream');
    const video = await streamDecodes(remoteAtB, 'camera frames');
    expect(videoShape(video)).to.equal('camera 4:3');
    const pcBefore = outgoing.getPeerConnection();

    const canvas = canvasStream(320, 180);
    outgoing.replaceStream(canvas);
    await waitFor(() => videoShape(video) === 'canvas 16:9', 'remote video switches to the 16:9 canvas');
    const before = await framesDecoded(callee.getPeerConnection()!);
    await waitFor(async () => (await framesDecoded(callee.getPeerConnection()!)) > before, 'frames keep being decoded after the switch');
    expect(outgoing.getPeerConnection()).to.equal(pcBefore);
    expect(outgoing.localStream).to.equal(canvas);
    expect(calls).to.equal(1);
    const sender = pcBefore!.getSenders().find((s) => s.track?.kind === 'video');
    expect(sender?.track).to.equal(canvas.getVideoTracks()[0]);
  });

  it('replaceStream on a receive-only side starts sending (one renegotiation, same connection)', async () => {
    const [a, b] = await pair();
    const { outgoing, callee } = await connect(a, b, await camera(), undefined);
    await next(callee, 'stream');
    const pc = outgoing.getPeerConnection();
    const streamAtA = next<MediaStream>(outgoing, 'stream');
    callee.replaceStream(canvasStream(320, 180));
    const video = await streamDecodes(await streamAtA, 'caller decodes the callee\'s new video');
    expect(videoShape(video)).to.equal('canvas 16:9');
    expect(outgoing.getPeerConnection()).to.equal(pc);
  });
});
