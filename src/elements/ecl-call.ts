import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { MediaConnection, Peer } from '../sdk/index.js';
import { callIcon, renderMediaControls } from './controls.js';
import { defineOnce } from './define.js';
import { errorDetail, fire } from './events.js';
import { Subscriptions, claim, listen } from './listen.js';
import { LocalMedia } from './local-media.js';
import { PeerLink } from './peer-link.js';
import { mediaStyles } from './styles.js';
import { playVideo } from './playback.js';

/** `incoming`: ringing here; `calling`: ringing there; `connecting`: answered, no media yet. */
export type CallState = 'idle' | 'calling' | 'incoming' | 'connecting' | 'connected';

/**
 * A 1:1 video call (the telephone model). With `remote-id` it can call that Peer (its call
 * button or `call()`); with or without it, it takes incoming calls of its `<ecl-peer>`
 * (only from `remote-id` when set) and shows an answer / decline prompt, or answers at
 * once with `auto-answer`. It opens the camera and microphone itself when a call starts
 * (`no-audio`, `no-video` opt out; both make a receive-only call) unless the page gives it
 * a stream through `localStream`.
 *
 * @tagname ecl-call
 * @summary A 1:1 audio/video call with local preview, remote video and call controls.
 *
 * @attr remote-id - Peer ID to call; also limits incoming calls to that Peer.
 * @attr auto-answer - Answer incoming calls without showing the prompt.
 * @attr no-audio - Do not send a microphone track.
 * @attr no-video - Do not send a camera track.
 * @attr peer - ID of the `<ecl-peer>` element to use when this element is not inside one.
 *
 * @fires {CustomEvent<{ call: MediaConnection; remoteId: string }>} ecl-incoming - A call is ringing here.
 * @fires {CustomEvent<{ stream: MediaStream; remoteId: string }>} ecl-stream - The remote media arrived.
 * @fires {CustomEvent<{ remoteId: string }>} ecl-close - The call ended (either side hung up, or it was declined).
 * @fires {CustomEvent<{ type: string; message: string }>} ecl-error - `type` is `media` when the camera/microphone could not be opened, `no-peer`, or an SDK error type.
 *
 * @slot incoming - Replaces the text of the incoming-call prompt.
 * @slot idle - Shown in the remote tile when there is no call.
 *
 * @csspart stage - The box holding both videos.
 * @csspart tile - Each video tile (remote and local).
 * @csspart remote-tile - The remote video tile.
 * @csspart local-tile - The local preview tile (picture-in-picture).
 * @csspart remote-video - The remote `<video>`.
 * @csspart local-video - The local preview `<video>` (muted, mirrored).
 * @csspart label - Name labels on the tiles.
 * @csspart prompt - The incoming-call prompt.
 * @csspart answer-button - Answer button of the prompt.
 * @csspart decline-button - Decline button of the prompt.
 * @csspart controls - The button bar.
 * @csspart control - Every button of the bar.
 * @csspart call-button - Starts a call to `remote-id`.
 * @csspart mute-button - Toggles the microphone (`aria-pressed="true"` when muted).
 * @csspart camera-button - Toggles the camera (`aria-pressed="true"` when stopped).
 * @csspart hangup-button - Ends or cancels the call.
 * @csspart play-button - Shown when the browser blocked autoplay of the remote media.
 * @csspart status - Live status text (announced to screen readers).
 *
 * @cssprop --ecl-font-family - Font of labels and buttons.
 * @cssprop --ecl-color - Text colour.
 * @cssprop --ecl-tile-background - Background of empty video tiles.
 * @cssprop --ecl-tile-aspect-ratio - Aspect ratio of the remote tile (default `4 / 3`).
 * @cssprop --ecl-radius - Corner radius of tiles.
 * @cssprop --ecl-video-fit - `object-fit` of the videos (default `cover`).
 * @cssprop --ecl-max-height - Largest height of the video stage (default `70vh`); the width follows.
 * @cssprop --ecl-local-width - Width of the local picture-in-picture (default `28%`).
 * @cssprop --ecl-local-transform - Transform of the local preview (default mirrored).
 * @cssprop --ecl-label-background - Background of tile labels.
 * @cssprop --ecl-label-color - Text colour of tile labels.
 * @cssprop --ecl-control-background - Background of buttons.
 * @cssprop --ecl-control-color - Text colour of buttons.
 * @cssprop --ecl-control-active-background - Background of pressed toggle buttons.
 * @cssprop --ecl-accent - Background of the call and answer buttons.
 * @cssprop --ecl-danger - Background of the hang-up and decline buttons.
 * @cssprop --ecl-focus-ring - Keyboard focus outline colour.
 * @cssprop --ecl-gap - Spacing between the parts.
 */
export class EclCall extends LitElement {
  static override styles = [
    mediaStyles,
    css`
      .stage {
        position: relative;
        /* Fits the viewport: the width follows the height cap so the 4:3 tile never overflows. */
        max-width: calc(var(--ecl-max-height, 70vh) * 4 / 3);
        margin: 0 auto;
      }
      .local {
        position: absolute;
        right: 12px;
        bottom: 12px;
        width: var(--ecl-local-width, 28%);
        aspect-ratio: 4 / 3;
        border: 2px solid rgb(255 255 255 / 0.25);
        box-shadow: 0 2px 8px rgb(0 0 0 / 0.4);
      }
      .prompt {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: center;
        gap: 8px;
        margin-top: var(--ecl-gap, 8px);
        padding: 12px;
        border-radius: var(--ecl-radius, 12px);
        background: var(--ecl-tile-background, #202124);
      }
      .prompt p {
        margin: 0 8px 0 0;
      }
    `,
  ];

  /** Peer ID to call; also limits incoming calls to that Peer. */
  @property({ attribute: 'remote-id' }) remoteId: string | null = null;
  /** Answer incoming calls without showing the prompt. */
  @property({ type: Boolean, attribute: 'auto-answer' }) autoAnswer = false;
  /** Do not send a microphone track. */
  @property({ type: Boolean, attribute: 'no-audio' }) noAudio = false;
  /** Do not send a camera track. */
  @property({ type: Boolean, attribute: 'no-video' }) noVideo = false;
  /** ID of the `<ecl-peer>` element to use when this element is not inside one. */
  @property({ attribute: 'peer' }) peerElementId: string | null = null;
  /** A MediaStream to send instead of opening the camera; setting it during a call switches to it. */
  @property({ attribute: false }) localStream: MediaStream | null = null;

  @state() private phase: CallState = 'idle';
  @state() private remoteStream: MediaStream | null = null;
  @state() private otherId = '';
  @state() private statusMessage = '';
  @state() private playBlocked = false;

  @query('video[part~="remote-video"]') private remoteVideo?: HTMLVideoElement;

  private media = new LocalMedia();
  private current: MediaConnection | null = null;
  /** Bumped by every call() and hangup(), so a call() still waiting for the Peer or camera knows it was superseded. */
  private attempt = 0;
  private peerSubscriptions = new Subscriptions();
  private callSubscriptions = new Subscriptions();
  private readonly link = new PeerLink(this, {
    open: (peer) => this.watchPeer(peer),
    close: () => {
      this.peerSubscriptions.clear();
      this.end(true);
    },
  });

  /** The current SDK MediaConnection, if any. */
  get connection(): MediaConnection | null {
    return this.current;
  }

  /** Where the call is: `idle`, `calling`, `incoming`, `connecting` or `connected`. */
  get callState(): CallState {
    return this.phase;
  }

  /** The local stream being sent (acquired or `localStream`), if any. */
  get sendingStream(): MediaStream | null {
    return this.media.stream;
  }

  /** The remote stream, once it arrived. */
  get receivedStream(): MediaStream | null {
    return this.remoteStream;
  }

  /** Calls `remote-id`, hanging up any current call first. Resolves with the MediaConnection. */
  async call(): Promise<MediaConnection> {
    const remoteId = this.remoteId;
    if (!remoteId) {
      const error = { type: 'peer-unavailable', message: '<ecl-call>: call() needs a remote-id' };
      fire(this, 'ecl-error', error);
      throw Object.assign(new Error(error.message), error);
    }
    this.end(true);
    const attempt = ++this.attempt;
    this.phase = 'calling';
    this.otherId = remoteId;
    this.statusMessage = `Calling ${remoteId}…`;
    const peer = await this.link.whenOpen();
    let stream: MediaStream | undefined;
    try {
      stream = await this.openMedia();
    } catch (err) {
      if (attempt === this.attempt) this.failBeforeConnection(err);
      throw err;
    }
    // hangup() (or another call()) while waiting for the Peer or the camera prompt cancels this one.
    if (attempt !== this.attempt || this.phase !== 'calling') {
      throw Object.assign(new Error('call cancelled'), { type: 'cancelled' });
    }
    const connection = peer.call(remoteId, stream);
    claim(connection);
    this.bindCall(connection, remoteId);
    return connection;
  }

  /** Answers the ringing call (a no-op when none is ringing). */
  async answer(): Promise<void> {
    const connection = this.current;
    if (!connection || this.phase !== 'incoming') return;
    this.phase = 'connecting';
    this.statusMessage = `Connecting to ${this.otherId}…`;
    let stream: MediaStream | undefined;
    try {
      stream = await this.openMedia();
    } catch (err) {
      this.failBeforeConnection(err);
      return;
    }
    if (this.current !== connection) return;
    connection.answer(stream);
  }

  /** Ends, cancels or declines the call. */
  hangup(): void {
    this.attempt++;
    if (this.phase === 'calling' && !this.current) {
      // Still waiting for the Peer or the camera: nothing to close on the wire yet.
      this.phase = 'idle';
      this.statusMessage = 'Call cancelled';
      this.media.release();
      fire(this, 'ecl-close', { remoteId: this.otherId });
      return;
    }
    this.end(true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Removing the element ends its call and frees the camera, like closing the tab would.
    if (this.phase !== 'idle') this.hangup();
    this.media.release();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has('peerElementId') && changed.get('peerElementId') !== undefined) this.link.refresh();
    if (changed.has('localStream') && this.localStream && this.current && this.phase !== 'incoming') {
      void this.switchStream(this.localStream);
    }
    if (changed.has('remoteStream') && this.remoteStream) {
      // Autoplay with sound can be refused without a user gesture; offer a button then.
      const video = this.remoteVideo;
      if (video) {
        void playVideo(video).then((result) => {
          if (result !== 'interrupted') this.playBlocked = result === 'blocked';
        });
      }
    }
  }

  private watchPeer(peer: Peer): void {
    this.peerSubscriptions.clear();
    this.peerSubscriptions.add(
      listen(peer, 'call', (connection: MediaConnection) => this.offer(connection)),
      listen(peer, 'error', (err: { type?: string; message?: string }) => {
        // A call to an absent Peer fails on the Peer, not on the connection.
        if (err?.type === 'peer-unavailable' && this.phase === 'calling' && String(err.message).includes(this.otherId)) {
          fire(this, 'ecl-error', errorDetail(err));
          this.end(true);
        }
      }),
    );
  }

  private offer(connection: MediaConnection): void {
    if (this.remoteId && connection.remoteId !== this.remoteId) return;
    const take = (): void => {
      if (this.current || this.phase !== 'idle' || !claim(connection)) return;
      this.bindCall(connection, connection.remoteId);
      this.phase = 'incoming';
      this.statusMessage = `Incoming call from ${connection.remoteId}`;
      fire(this, 'ecl-incoming', { call: connection, remoteId: connection.remoteId });
      if (this.autoAnswer) void this.answer();
    };
    // An element waiting for this very caller goes first; catch-all elements take what is left.
    if (this.remoteId) take();
    else queueMicrotask(take);
  }

  private bindCall(connection: MediaConnection, remoteId: string): void {
    this.current = connection;
    this.otherId = remoteId;
    this.callSubscriptions.clear();
    this.callSubscriptions.add(
      listen(connection, 'stream', (stream: MediaStream) => {
        if (this.current !== connection) return;
        this.remoteStream = stream;
        this.phase = 'connected';
        this.statusMessage = `In a call with ${remoteId}`;
        fire(this, 'ecl-stream', { stream, remoteId });
      }),
      listen(connection, 'close', () => {
        // Deferred: when the callee is absent the SDK closes the call first and reports
        // `peer-unavailable` on the Peer right after; that error should be seen first.
        queueMicrotask(() => {
          if (this.current === connection) this.end(false);
        });
      }),
      listen(connection, 'error', (err: unknown) => {
        if (this.current !== connection) return;
        fire(this, 'ecl-error', errorDetail(err, 'webrtc'));
        if (this.phase === 'calling') this.end(true);
      }),
    );
  }

  private async openMedia(): Promise<MediaStream | undefined> {
    const stream = await this.media.acquire({ audio: !this.noAudio, video: !this.noVideo, provided: this.localStream });
    this.requestUpdate();
    return stream;
  }

  private async switchStream(stream: MediaStream): Promise<void> {
    await this.media.acquire({ audio: false, video: false, provided: stream });
    this.current?.replaceStream(stream);
    this.requestUpdate();
  }

  private failBeforeConnection(err: unknown): void {
    fire(this, 'ecl-error', errorDetail(err, 'media'));
    this.end(true);
    if (this.phase === 'calling' || this.phase === 'connecting') {
      this.phase = 'idle';
      this.media.release();
    }
    this.statusMessage = 'Could not open the camera or microphone';
  }

  /** Lets go of the call; `closeIt` when the end is ours to announce to the other side. */
  private end(closeIt: boolean): void {
    const connection = this.current;
    if (!connection) return;
    this.current = null;
    this.callSubscriptions.clear();
    if (closeIt) {
      try {
        connection.close();
      } catch {
        // Already closed by the SDK.
      }
    }
    const remoteId = this.otherId;
    this.remoteStream = null;
    this.playBlocked = false;
    this.media.release();
    this.phase = 'idle';
    this.statusMessage = 'Call ended';
    fire(this, 'ecl-close', { remoteId });
  }

  private toggleMute = (): void => {
    this.media.setMuted(!this.media.muted);
    this.requestUpdate();
  };

  private toggleCamera = (): void => {
    this.media.setCameraOff(!this.media.cameraOff);
    this.requestUpdate();
  };

  private renderIdleText() {
    if (this.phase === 'calling') return html`Calling ${this.otherId}…`;
    if (this.phase === 'incoming') return html`Ringing…`;
    if (this.phase === 'connecting') return html`Connecting…`;
    return html`<slot name="idle">Not in a call</slot>`;
  }

  private renderControls() {
    if (this.phase === 'idle') {
      return this.remoteId
        ? html`<button type="button" class="primary" part="control call-button" @click=${() => void this.call().catch(() => {})}>
            ${callIcon}<span>Call ${this.remoteId}</span>
          </button>`
        : nothing;
    }
    if (this.phase === 'incoming') return nothing;
    return renderMediaControls({
      muted: this.media.muted,
      cameraOff: this.media.cameraOff,
      hasAudio: this.media.hasAudio,
      hasVideo: this.media.hasVideo,
      onMute: this.toggleMute,
      onCamera: this.toggleCamera,
      endLabel: this.phase === 'calling' ? 'Cancel' : 'Hang up',
      endPart: 'hangup-button',
      onEnd: () => this.hangup(),
    });
  }

  protected override render() {
    const local = this.media.stream;
    // The prompt says it visibly; the status line still announces it to screen readers.
    const promptShown = this.phase === 'incoming' && !this.autoAnswer;
    return html`
      <div class="stage" part="stage">
        <figure class="tile remote" part="tile remote-tile">
          <video part="remote-video" playsinline autoplay .srcObject=${this.remoteStream}></video>
          ${this.remoteStream ? nothing : html`<div class="placeholder">${this.renderIdleText()}</div>`}
          ${this.phase === 'idle' ? nothing : html`<figcaption class="label" part="label">${this.otherId}</figcaption>`}
        </figure>
        ${local && this.media.hasVideo
          ? html`<figure class="tile local" part="tile local-tile">
              <video part="local-video" playsinline autoplay muted .muted=${true} .srcObject=${local}></video>
              <figcaption class="label" part="label">You</figcaption>
            </figure>`
          : nothing}
      </div>
      ${promptShown
        ? html`<div class="prompt" part="prompt" role="group" aria-label="Incoming call">
            <p><slot name="incoming">Incoming call from <strong>${this.otherId}</strong></slot></p>
            <button type="button" class="primary" part="answer-button" @click=${() => void this.answer()}>Answer</button>
            <button type="button" class="danger" part="decline-button" @click=${() => this.hangup()}>Decline</button>
          </div>`
        : nothing}
      ${this.playBlocked
        ? html`<div class="controls"><button type="button" part="play-button" @click=${this.resumePlayback}>Play remote audio and video</button></div>`
        : nothing}
      <div class="controls" part="controls" role="group" aria-label="Call controls">${this.renderControls()}</div>
      <p class=${promptShown ? 'status visually-hidden' : 'status'} part="status" role="status" aria-live="polite">${this.statusMessage}</p>
    `;
  }

  private resumePlayback = (): void => {
    void this.remoteVideo?.play().then(() => (this.playBlocked = false));
  };
}

defineOnce('ecl-call', EclCall);

declare global {
  interface HTMLElementTagNameMap {
    'ecl-call': EclCall;
  }
}
