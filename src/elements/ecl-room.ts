import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { MeshRoom, Peer, SfuRoom } from '../sdk/index.js';
import { renderMediaControls } from './controls.js';
import { defineOnce } from './define.js';
import { errorDetail, fire } from './events.js';
import { Subscriptions, listen } from './listen.js';
import { LocalMedia } from './local-media.js';
import { PeerLink } from './peer-link.js';
import { mediaStyles } from './styles.js';
import { playVideo } from './playback.js';

export type RoomMode = 'mesh' | 'sfu';
export type RoomState = 'idle' | 'joining' | 'open' | 'left';
type AnyRoom = MeshRoom | SfuRoom;

/**
 * A room (the room model): joins room `name` as soon as its `<ecl-peer>` is open, shows a
 * responsive grid with the local tile and one tile per member, and leaves when removed
 * from the page or on `leave()`. Changing `name` (or `mode`, `receive-only`) leaves the
 * room and joins the new one. `mode="sfu"` routes media through the server.
 *
 * @tagname ecl-room
 * @summary A multi-party room: a video grid of all members with mute, camera and leave controls.
 *
 * @attr name - Room name. Rooms are per API key.
 * @attr mode - `mesh` (default: every member connects to every other) or `sfu` (media through the server).
 * @attr receive-only - Join without sending media: see and hear the others only.
 * @attr no-audio - Do not send a microphone track.
 * @attr no-video - Do not send a camera track.
 * @attr peer - ID of the `<ecl-peer>` element to use when this element is not inside one.
 *
 * @fires {CustomEvent<{ name: string; members: string[] }>} ecl-open - Joined; `members` are the others already there.
 * @fires {CustomEvent<{ peerId: string }>} ecl-peer-join - A member joined.
 * @fires {CustomEvent<{ peerId: string }>} ecl-peer-leave - A member left (or dropped).
 * @fires {CustomEvent<{ stream: MediaStream; peerId: string }>} ecl-stream - A member's media arrived.
 * @fires {CustomEvent<{ src: string; data: unknown }>} ecl-data - A member's `send()` arrived (through the server).
 * @fires {CustomEvent<{ name: string }>} ecl-close - This element left the room.
 * @fires {CustomEvent<{ type: string; message: string }>} ecl-error - `type` is `room-error` (full room, over-size data, …), `media`, `no-peer` or another SDK type.
 *
 * @slot empty - Shown in the grid while nobody else is in the room.
 *
 * @csspart grid - The grid of tiles.
 * @csspart tile - Every tile.
 * @csspart local-tile - This member's own tile.
 * @csspart remote-tile - A tile of another member (with `data-peer-id`).
 * @csspart local-video - The local preview `<video>`.
 * @csspart remote-video - A member's `<video>`.
 * @csspart label - Tile labels (member IDs).
 * @csspart controls - The button bar.
 * @csspart control - Every button of the bar.
 * @csspart mute-button - Toggles the microphone (`aria-pressed="true"` when muted).
 * @csspart camera-button - Toggles the camera (`aria-pressed="true"` when stopped).
 * @csspart leave-button - Leaves the room.
 * @csspart join-button - Joins again after leaving.
 * @csspart play-button - Shown when the browser blocked autoplay of the members' media.
 * @csspart status - Live status text (announced to screen readers).
 *
 * @cssprop --ecl-font-family - Font of labels and buttons.
 * @cssprop --ecl-color - Text colour.
 * @cssprop --ecl-tile-min-width - Minimum tile width before the grid wraps (default `220px`).
 * @cssprop --ecl-tile-background - Background of tiles.
 * @cssprop --ecl-tile-aspect-ratio - Aspect ratio of tiles (default `4 / 3`).
 * @cssprop --ecl-radius - Corner radius of tiles.
 * @cssprop --ecl-gap - Space between tiles.
 * @cssprop --ecl-video-fit - `object-fit` of the videos (default `cover`).
 * @cssprop --ecl-local-transform - Transform of the local preview (default mirrored).
 * @cssprop --ecl-label-background - Background of tile labels.
 * @cssprop --ecl-label-color - Text colour of tile labels.
 * @cssprop --ecl-control-background - Background of buttons.
 * @cssprop --ecl-control-color - Text colour of buttons.
 * @cssprop --ecl-control-active-background - Background of pressed toggle buttons.
 * @cssprop --ecl-accent - Background of the join button.
 * @cssprop --ecl-danger - Background of the leave button.
 * @cssprop --ecl-focus-ring - Keyboard focus outline colour.
 */
export class EclRoom extends LitElement {
  static override styles = [
    mediaStyles,
    css`
      .grid {
        display: grid;
        gap: var(--ecl-gap, 8px);
        grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--ecl-tile-min-width, 220px)), 1fr));
        padding: 0;
        margin: 0;
        list-style: none;
      }
      .grid > .empty {
        display: grid;
        place-items: center;
        aspect-ratio: var(--ecl-tile-aspect-ratio, 4 / 3);
        border: 2px dashed var(--ecl-tile-background, #3c4043);
        border-radius: var(--ecl-radius, 12px);
        color: var(--ecl-muted-color, #9aa0a6);
        font-size: 0.875rem;
        padding: 8px;
        text-align: center;
      }
    `,
  ];

  /** Room name. Rooms are per API key. */
  @property() name: string | null = null;
  /** `mesh` (default: every member connects to every other) or `sfu` (media through the server). */
  @property() mode: RoomMode = 'mesh';
  /** Join without sending media: see and hear the others only. */
  @property({ type: Boolean, attribute: 'receive-only' }) receiveOnly = false;
  /** Do not send a microphone track. */
  @property({ type: Boolean, attribute: 'no-audio' }) noAudio = false;
  /** Do not send a camera track. */
  @property({ type: Boolean, attribute: 'no-video' }) noVideo = false;
  /** ID of the `<ecl-peer>` element to use when this element is not inside one. */
  @property({ attribute: 'peer' }) peerElementId: string | null = null;
  /** A MediaStream to send instead of opening the camera; setting it while joined switches to it. */
  @property({ attribute: false }) localStream: MediaStream | null = null;

  @state() private phase: RoomState = 'idle';
  @state() private memberIds: string[] = [];
  @state() private streams = new Map<string, MediaStream>();
  @state() private statusMessage = '';
  @state() private playBlocked = false;

  private current: AnyRoom | null = null;
  private joinedWith: { name: string; mode: RoomMode; receiveOnly: boolean } | null = null;
  private joinAttempt = 0;
  private stayOut = false;
  /** Set after a failed join or a room the server closed: no automatic retry until something changes. */
  private blocked = false;
  private media = new LocalMedia();
  private reported = new WeakSet<object>();
  private peerSubscriptions = new Subscriptions();
  private roomSubscriptions = new Subscriptions();
  private readonly link = new PeerLink(this, {
    open: (peer) => {
      this.watchPeer(peer);
      this.blocked = false;
      void this.joinIfWanted();
    },
    close: () => {
      this.peerSubscriptions.clear();
      this.exit(true);
    },
  });

  /** The SDK room (MeshRoom or SfuRoom) while joined or joining. */
  get room(): AnyRoom | null {
    return this.current;
  }

  /** IDs of the other members. */
  get members(): string[] {
    return [...this.memberIds];
  }

  /** `idle`, `joining`, `open` or `left`. */
  get roomState(): RoomState {
    return this.phase;
  }

  /** Joins again after `leave()` (joining is otherwise automatic). */
  join(): void {
    this.stayOut = false;
    this.blocked = false;
    void this.joinIfWanted();
  }

  /** Leaves the room and stays out until `join()` or a new `name`. */
  leave(): void {
    this.stayOut = true;
    this.exit(true);
    this.media.release();
    this.phase = 'left';
    this.statusMessage = 'You left the room';
  }

  /** Sends `data` to every other member through the server. */
  send(data: unknown): void {
    if (!this.current || this.phase !== 'open') {
      const error = { type: 'room-error', message: '<ecl-room>: send() before the room is open' };
      fire(this, 'ecl-error', error);
      throw Object.assign(new Error(error.message), error);
    }
    this.current.send(data);
  }

  /** The room log from the server (joins, leaves, data). */
  getLog(): Promise<unknown[]> {
    if (!this.current) return Promise.reject(Object.assign(new Error('<ecl-room>: not in a room'), { type: 'room-error' }));
    return this.current.getLog() as Promise<unknown[]>;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.media.release();
    this.requestUpdate();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has('peerElementId') && changed.get('peerElementId') !== undefined) this.link.refresh();
    const inputs = ['name', 'mode', 'receiveOnly', 'noAudio', 'noVideo', 'localStream'].some((key) => changed.has(key));
    if (inputs) this.blocked = false;
    if (changed.has('name')) this.stayOut = false;
    const target = this.joinedWith;
    const retarget = ['name', 'mode', 'receiveOnly'].some((key) => changed.has(key));
    if (
      (target && (target.name !== this.name || target.mode !== this.mode || target.receiveOnly !== this.receiveOnly)) ||
      (this.phase === 'joining' && retarget)
    ) {
      this.exit(true);
    }
    if (changed.has('localStream') && this.localStream && this.current && !this.receiveOnly) {
      void this.switchStream(this.localStream);
    }
    if (changed.has('streams')) this.playRemoteVideos();
    void this.joinIfWanted();
  }

  // Autoplay with sound can be refused without a user gesture (e.g. joining from `?room=`
  // on page load); then one click on the play button starts every member's video.
  private playRemoteVideos(): void {
    const videos = this.renderRoot.querySelectorAll<HTMLVideoElement>('video[part~="remote-video"]');
    for (const video of videos) {
      if (video.srcObject && video.paused) {
        void playVideo(video).then((result) => {
          if (result === 'blocked') this.playBlocked = true;
        });
      }
    }
  }

  private resumePlayback = (): void => {
    this.playBlocked = false;
    this.playRemoteVideos();
  };

  private watchPeer(peer: Peer): void {
    this.peerSubscriptions.clear();
    this.peerSubscriptions.add(
      listen(peer, 'error', (err: { type?: string }) => {
        // Room refusals (full, over-size, …) may be reported on the Peer rather than the room.
        if (err?.type === 'room-error' && (this.current || this.phase === 'joining')) this.reportError(err);
      }),
    );
  }

  private async joinIfWanted(): Promise<void> {
    const peer = this.link.peer;
    const name = this.name;
    if (this.stayOut || this.blocked || !name || !peer || !this.isConnected || this.current || this.phase === 'joining') return;
    const attempt = ++this.joinAttempt;
    const mode = this.mode === 'sfu' ? 'sfu' : 'mesh';
    const receiveOnly = this.receiveOnly;
    this.phase = 'joining';
    this.statusMessage = `Joining ${name}…`;
    let stream: MediaStream | undefined;
    if (!receiveOnly) {
      try {
        stream = await this.media.acquire({ audio: !this.noAudio, video: !this.noVideo, provided: this.localStream });
      } catch (err) {
        if (attempt !== this.joinAttempt) return;
        this.phase = 'idle';
        this.blocked = true;
        this.statusMessage = 'Could not open the camera or microphone';
        this.reportError(errorDetail(err, 'media'));
        return;
      }
    }
    // Superseded (name changed, left, removed) while the camera prompt was open: whoever
    // superseded this attempt has started its own, or decided not to join.
    if (attempt !== this.joinAttempt) return;
    if (this.link.peer !== peer) {
      this.phase = 'idle';
      void this.joinIfWanted();
      return;
    }
    let room: AnyRoom;
    try {
      room = peer.joinRoom(name, { mode, stream, receiveOnly }) as AnyRoom;
    } catch (err) {
      this.phase = 'idle';
      this.blocked = true;
      this.statusMessage = `Could not join ${name}`;
      this.reportError(errorDetail(err, 'room-error'));
      return;
    }
    this.current = room;
    this.joinedWith = { name, mode, receiveOnly };
    this.memberIds = [];
    this.streams = new Map();
    this.bindRoom(room, name);
  }

  private bindRoom(room: AnyRoom, name: string): void {
    const mine = (): boolean => this.current === room;
    this.roomSubscriptions.clear();
    this.roomSubscriptions.add(
      listen(room, 'open', () => {
        if (!mine()) return;
        this.phase = 'open';
        this.memberIds = [...new Set([...this.memberIds, ...(room.members ?? [])])];
        this.statusMessage = `In room ${name}`;
        fire(this, 'ecl-open', { name, members: [...this.memberIds] });
      }),
      listen(room, 'peerJoin', (peerId: string) => {
        if (!mine()) return;
        this.addMember(peerId);
        this.statusMessage = `${peerId} joined`;
        fire(this, 'ecl-peer-join', { peerId });
      }),
      listen(room, 'peerLeave', (peerId: string) => {
        if (!mine()) return;
        this.memberIds = this.memberIds.filter((id) => id !== peerId);
        if (this.streams.has(peerId)) {
          const streams = new Map(this.streams);
          streams.delete(peerId);
          this.streams = streams;
        }
        this.statusMessage = `${peerId} left`;
        fire(this, 'ecl-peer-leave', { peerId });
      }),
      listen(room, 'stream', (stream: MediaStream & { peerId: string }) => {
        if (!mine()) return;
        const peerId = stream.peerId;
        this.addMember(peerId);
        this.streams = new Map(this.streams).set(peerId, stream);
        fire(this, 'ecl-stream', { stream, peerId });
      }),
      listen(room, 'data', (message: { src: string; data: unknown }) => {
        if (mine()) fire(this, 'ecl-data', { src: message.src, data: message.data });
      }),
      listen(room, 'close', () => {
        if (!mine()) return;
        // Closed by the server or the SDK (full room, refused name, …): retrying would loop.
        this.blocked = true;
        this.exit(false);
      }),
      listen(room, 'error', (err: unknown) => {
        if (mine()) this.reportError(err);
      }),
    );
  }

  private addMember(peerId: string): void {
    if (!this.memberIds.includes(peerId)) this.memberIds = [...this.memberIds, peerId];
  }

  private reportError(err: unknown): void {
    if (err && typeof err === 'object') {
      if (this.reported.has(err)) return;
      this.reported.add(err);
    }
    fire(this, 'ecl-error', errorDetail(err, 'room-error'));
  }

  private async switchStream(stream: MediaStream): Promise<void> {
    await this.media.acquire({ audio: false, video: false, provided: stream });
    this.current?.replaceStream(stream);
    this.requestUpdate();
  }

  /** Lets go of the room; `closeIt` when leaving is ours to tell the server. */
  private exit(closeIt: boolean): void {
    this.joinAttempt++;
    const room = this.current;
    const name = this.joinedWith?.name ?? this.name ?? '';
    this.current = null;
    this.joinedWith = null;
    this.memberIds = [];
    this.streams = new Map();
    if (this.phase === 'joining' || this.phase === 'open') this.phase = 'idle';
    if (!room) return;
    this.roomSubscriptions.clear();
    if (closeIt) {
      try {
        room.close();
      } catch {
        // Already closed by the SDK.
      }
    }
    this.statusMessage = `Left ${name}`;
    fire(this, 'ecl-close', { name });
  }

  private toggleMute = (): void => {
    this.media.setMuted(!this.media.muted);
    this.requestUpdate();
  };

  private toggleCamera = (): void => {
    this.media.setCameraOff(!this.media.cameraOff);
    this.requestUpdate();
  };

  private renderControls() {
    if (this.phase === 'left') {
      return html`<button type="button" class="primary" part="control join-button" @click=${() => this.join()}>
        Join ${this.name}
      </button>`;
    }
    if (!this.current) return nothing;
    return renderMediaControls({
      muted: this.media.muted,
      cameraOff: this.media.cameraOff,
      hasAudio: this.media.hasAudio,
      hasVideo: this.media.hasVideo,
      onMute: this.toggleMute,
      onCamera: this.toggleCamera,
      endLabel: 'Leave',
      endPart: 'leave-button',
      onEnd: () => this.leave(),
    });
  }

  protected override render() {
    const local = this.current && !this.receiveOnly ? this.media.stream : null;
    const selfId = this.link.peer?.id;
    return html`
      <div class="grid" part="grid" role="list" aria-label=${`Members of ${this.name ?? 'the room'}`}>
        ${local
          ? html`<figure class="tile local" part="tile local-tile" role="listitem" data-peer-id=${selfId ?? ''}>
              ${this.media.hasVideo
                ? html`<video part="local-video" playsinline autoplay muted .muted=${true} .srcObject=${local}></video>`
                : html`<div class="placeholder">Audio only</div>`}
              <figcaption class="label" part="label">You${selfId ? ` (${selfId})` : ''}</figcaption>
            </figure>`
          : nothing}
        ${repeat(
          this.memberIds,
          (id) => id,
          (id) => {
            const stream = this.streams.get(id) ?? null;
            return html`<figure class="tile" part="tile remote-tile" role="listitem" data-peer-id=${id}>
              <video part="remote-video" playsinline autoplay .srcObject=${stream}></video>
              ${stream ? nothing : html`<div class="placeholder">Connecting…</div>`}
              <figcaption class="label" part="label">${id}</figcaption>
            </figure>`;
          },
        )}
        ${this.phase === 'open' && this.memberIds.length === 0
          ? html`<div class="empty" role="listitem"><slot name="empty">Waiting for others to join ${this.name}…</slot></div>`
          : nothing}
      </div>
      ${this.playBlocked && this.current
        ? html`<div class="controls"><button type="button" part="play-button" @click=${this.resumePlayback}>Play everyone's audio and video</button></div>`
        : nothing}
      <div class="controls" part="controls" role="group" aria-label="Room controls">${this.renderControls()}</div>
      <p class="status" part="status" role="status" aria-live="polite">${this.statusMessage}</p>
    `;
  }
}

defineOnce('ecl-room', EclRoom);

declare global {
  interface HTMLElementTagNameMap {
    'ecl-room': EclRoom;
  }
}
