import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { EclCall, EclPeer } from '../../src/elements/index.js';
import { framesDecoded, videoDecodes, waitFor } from './helpers/env.js';
import { eventOn, opened, part, record, uid } from './elements-support.js';

interface Pair {
  caller: EclCall;
  callee: EclCall;
  callerId: string;
  calleeId: string;
}

/** Two `<ecl-peer>`s on one page, the first with an `<ecl-call>` pointed at the second. */
async function pair(calleeAttrs: { autoAnswer?: boolean } = {}): Promise<Pair> {
  const callerId = uid('caller');
  const calleeId = uid('callee');
  const root = await fixture<HTMLElement>(html`
    <div>
      <ecl-peer peer-id=${callerId}><ecl-call remote-id=${calleeId}></ecl-call></ecl-peer>
      <ecl-peer peer-id=${calleeId}><ecl-call ?auto-answer=${Boolean(calleeAttrs.autoAnswer)}></ecl-call></ecl-peer>
    </div>
  `);
  const [callerPeer, calleePeer] = [...root.querySelectorAll('ecl-peer')] as EclPeer[];
  await Promise.all([opened(callerPeer), opened(calleePeer)]);
  const [caller, callee] = [...root.querySelectorAll('ecl-call')] as EclCall[];
  return { caller, callee, callerId, calleeId };
}

async function bothSeeVideo({ caller, callee }: Pair): Promise<void> {
  await Promise.all([
    videoDecodes(part<HTMLVideoElement>(caller, 'remote-video')!, 'caller renders remote video'),
    videoDecodes(part<HTMLVideoElement>(callee, 'remote-video')!, 'callee renders remote video'),
  ]);
  for (const [who, el] of [['caller', caller], ['callee', callee]] as const) {
    const pc = el.connection!.getPeerConnection() as RTCPeerConnection;
    await waitFor(async () => (await framesDecoded(pc)) > 0, `${who} framesDecoded > 0`);
    expect(part<HTMLVideoElement>(el, 'remote-video')!.videoWidth).to.be.greaterThan(0);
    expect(el.callState).to.equal('connected');
  }
}

describe('<ecl-call>', () => {
  it('call() rings the callee, the answer button connects, both render remote video', async () => {
    const p = await pair();
    const incoming = eventOn<{ remoteId: string; call: unknown }>(p.callee, 'ecl-incoming');
    const callerStream = eventOn<{ remoteId: string; stream: MediaStream }>(p.caller, 'ecl-stream');
    const calleeStream = eventOn<{ remoteId: string; stream: MediaStream }>(p.callee, 'ecl-stream');
    const connection = await p.caller.call();
    expect(connection.remoteId).to.equal(p.calleeId);

    const ring = await incoming;
    expect(ring.detail.remoteId).to.equal(p.callerId);
    expect(ring.detail.call).to.equal(p.callee.connection);
    await p.callee.updateComplete;
    const prompt = part(p.callee, 'prompt')!;
    expect(prompt.textContent).to.contain(p.callerId);
    part<HTMLButtonElement>(p.callee, 'answer-button')!.click();

    expect((await callerStream).detail.remoteId).to.equal(p.calleeId);
    expect((await calleeStream).detail.remoteId).to.equal(p.callerId);
    await p.callee.updateComplete;
    expect(part(p.callee, 'prompt')).to.equal(null);
    await bothSeeVideo(p);
    // Local preview: muted, inline, fed by the stream being sent.
    const local = part<HTMLVideoElement>(p.caller, 'local-video')!;
    expect(local.muted).to.equal(true);
    expect(local.playsInline).to.equal(true);
    expect(local.srcObject).to.equal(p.caller.sendingStream);
  });

  it('auto-answer connects without showing the prompt', async () => {
    const p = await pair({ autoAnswer: true });
    const incoming = eventOn(p.callee, 'ecl-incoming');
    const streams = Promise.all([eventOn(p.caller, 'ecl-stream'), eventOn(p.callee, 'ecl-stream')]);
    // The caller's own call button starts the call.
    await p.caller.updateComplete;
    const button = part<HTMLButtonElement>(p.caller, 'call-button')!;
    expect(button.textContent).to.contain(p.calleeId);
    button.click();
    await incoming;
    await p.callee.updateComplete;
    expect(part(p.callee, 'prompt')).to.equal(null);
    await streams;
    await bothSeeVideo(p);
  });

  it('decline from the prompt ends the call on both sides', async () => {
    const p = await pair();
    const incoming = eventOn(p.callee, 'ecl-incoming');
    const callerStreams = record(p.caller, 'ecl-stream');
    void p.caller.call();
    await incoming;
    await p.callee.updateComplete;
    const closes = Promise.all([eventOn(p.caller, 'ecl-close', 'caller ecl-close'), eventOn(p.callee, 'ecl-close', 'callee ecl-close')]);
    part<HTMLButtonElement>(p.callee, 'decline-button')!.click();
    await closes;
    expect(p.caller.callState).to.equal('idle');
    expect(p.callee.callState).to.equal('idle');
    expect(p.caller.connection).to.equal(null);
    expect(callerStreams).to.have.length(0);
    await p.callee.updateComplete;
    expect(part(p.callee, 'prompt')).to.equal(null);
  });

  it('hangup() on one side closes both, and the camera is released', async () => {
    const p = await pair({ autoAnswer: true });
    const streams = Promise.all([eventOn(p.caller, 'ecl-stream'), eventOn(p.callee, 'ecl-stream')]);
    await p.caller.call();
    await streams;
    const sent = p.caller.sendingStream!;
    const closes = Promise.all([eventOn(p.caller, 'ecl-close', 'caller ecl-close'), eventOn(p.callee, 'ecl-close', 'callee ecl-close')]);
    p.caller.hangup();
    await closes;
    expect(p.callee.callState).to.equal('idle');
    expect(sent.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    await p.callee.updateComplete;
    expect(part<HTMLVideoElement>(p.callee, 'remote-video')!.srcObject).to.equal(null);
  });

  it('the hang-up button of the callee ends the caller too', async () => {
    const p = await pair({ autoAnswer: true });
    const streams = Promise.all([eventOn(p.caller, 'ecl-stream'), eventOn(p.callee, 'ecl-stream')]);
    await p.caller.call();
    await streams;
    await p.callee.updateComplete;
    const closes = Promise.all([eventOn(p.caller, 'ecl-close'), eventOn(p.callee, 'ecl-close')]);
    part<HTMLButtonElement>(p.callee, 'hangup-button')!.click();
    await closes;
    expect(p.caller.callState).to.equal('idle');
  });

  it('mute and camera buttons toggle aria-pressed and the tracks, by mouse and keyboard', async () => {
    const p = await pair({ autoAnswer: true });
    const streams = Promise.all([eventOn(p.caller, 'ecl-stream'), eventOn(p.callee, 'ecl-stream')]);
    await p.caller.call();
    await streams;
    await p.caller.updateComplete;
    const audio = p.caller.sendingStream!.getAudioTracks()[0]!;
    const video = p.caller.sendingStream!.getVideoTracks()[0]!;
    const mute = part<HTMLButtonElement>(p.caller, 'mute-button')!;
    const camera = part<HTMLButtonElement>(p.caller, 'camera-button')!;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(mute.textContent!.trim()).to.equal('Mute');
    expect(audio.enabled).to.equal(true);

    mute.click();
    await p.caller.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('true');
    expect(audio.enabled).to.equal(false);
    expect(video.enabled).to.equal(true);

    // Keyboard: the button takes focus and Enter toggles it back.
    mute.focus();
    expect(p.caller.shadowRoot!.activeElement).to.equal(mute);
    await sendKeys({ press: 'Enter' });
    await p.caller.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(audio.enabled).to.equal(true);

    camera.focus();
    await sendKeys({ press: 'Space' });
    await p.caller.updateComplete;
    expect(camera.getAttribute('aria-pressed')).to.equal('true');
    expect(video.enabled).to.equal(false);
    expect(audio.enabled).to.equal(true);
  });

  it('calling an absent Peer reports peer-unavailable and returns to idle', async () => {
    const missing = uid('absent');
    const root = await fixture<HTMLElement>(html`<ecl-peer peer-id=${uid('dialer')}><ecl-call remote-id=${missing}></ecl-call></ecl-peer>`);
    await opened(root as EclPeer);
    const el = root.querySelector('ecl-call') as EclCall;
    const error = eventOn<{ type: string; message: string }>(el, 'ecl-error');
    const closed = eventOn(el, 'ecl-close');
    await el.call();
    const { detail } = await error;
    expect(detail.type).to.equal('peer-unavailable');
    expect(detail.message).to.contain(missing);
    await closed;
    expect(el.callState).to.equal('idle');
    expect(el.sendingStream).to.equal(null);
  });

  it('no-audio no-video makes a receive-only call that still shows the remote video', async () => {
    const callerId = uid('viewer');
    const calleeId = uid('camera');
    const root = await fixture<HTMLElement>(html`
      <div>
        <ecl-peer peer-id=${callerId}><ecl-call remote-id=${calleeId} no-audio no-video></ecl-call></ecl-peer>
        <ecl-peer peer-id=${calleeId}><ecl-call auto-answer></ecl-call></ecl-peer>
      </div>
    `);
    await Promise.all([...root.querySelectorAll('ecl-peer')].map((el) => opened(el as EclPeer)));
    const [viewer] = [...root.querySelectorAll('ecl-call')] as EclCall[];
    const stream = eventOn(viewer, 'ecl-stream');
    await viewer.call();
    await stream;
    expect(viewer.sendingStream).to.equal(null);
    await videoDecodes(part<HTMLVideoElement>(viewer, 'remote-video')!, 'viewer sees the camera');
  });
});
