import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Peer } from '../sdk/index.js';
import type { DataConnection, MediaConnection } from '../sdk/index.js';
import { defineOnce } from './define.js';
import { errorDetail, fire } from './events.js';
import { Subscriptions, listen } from './listen.js';

type PeerStatus = 'idle' | 'connecting' | 'open' | 'disconnected' | 'error' | 'closed';

const debugLevel = {
  // A bare `debug` attribute asks for everything; a number picks the SDK's level (0–3).
  fromAttribute: (value: string | null): number => (value === null ? 0 : value === '' ? 3 : Number(value) || 0),
  toAttribute: (value: number): string => String(value),
};

/**
 * A connection to the signaling server: the ECLWebRTC `Peer` as an element. Put the
 * other `ecl-` elements inside it (or point them at it with `peer="its-id"`); they use its
 * Peer once it is open. It connects when added to the page, reconnects as a new Peer when
 * `api-key`, `server` or `peer-id` change, and destroys its Peer when removed.
 *
 * @tagname ecl-peer
 * @summary Connects to the signaling server and gives its Peer to the elements inside.
 *
 * @attr api-key - API key of the application. Defaults to `demo`, the key the server accepts when run without a keys file.
 * @attr server - Signaling WebSocket URL. Defaults to `/signaling` on the page's origin.
 * @attr peer-id - Peer ID to claim. Without it the server assigns a random ID, which `peerId` then holds (also in `ecl-open`).
 * @attr debug - SDK log level 0–3; a bare `debug` means 3.
 * @attr show-status - Renders a one-line status (connecting, your ID, errors) under the content.
 *
 * @fires {CustomEvent<{ peerId: string }>} ecl-open - The server accepted the Peer; `peer` is ready.
 * @fires {CustomEvent<{ type: string; message: string }>} ecl-error - `type` is an SDK error type such as `invalid-key`, `invalid-id`, `unavailable-id`, `peer-unavailable`.
 * @fires {CustomEvent<{ call: MediaConnection }>} ecl-call - An incoming `MediaConnection` (an `<ecl-call>` inside handles it too).
 * @fires {CustomEvent<{ connection: DataConnection }>} ecl-connection - An incoming `DataConnection`.
 * @fires {CustomEvent<{ peerId: string }>} ecl-disconnected - The signaling connection dropped; existing calls continue.
 * @fires {CustomEvent<{}>} ecl-close - The Peer was destroyed (element removed, or recreated with new attributes).
 *
 * @slot - Content, typically `<ecl-call>`, `<ecl-data-channel>` or `<ecl-room>` elements.
 * @csspart status - The status line shown with `show-status`.
 * @cssprop --ecl-font-family - Font of the status line.
 * @cssprop --ecl-status-color - Colour of the status line.
 */
export class EclPeer extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    :host([hidden]) {
      display: none;
    }
    [part='status'] {
      margin: 8px 0 0;
      font: 0.875rem var(--ecl-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
      color: var(--ecl-status-color, inherit);
    }
  `;

  /** API key of the application. Defaults to `demo`, the key the server accepts when run without a keys file. */
  @property({ attribute: 'api-key' }) apiKey = 'demo';
  /** Signaling WebSocket URL. Defaults to `/signaling` on the page's origin. */
  @property() server: string | null = null;
  /** Peer ID to claim. Without it the server assigns a random ID, which `peerId` then holds (also in `ecl-open`). */
  @property({ attribute: 'peer-id' }) peerId: string | null = null;
  /** SDK log level 0–3; a bare `debug` means 3. */
  @property({ converter: debugLevel }) debug = 0;
  /** Renders a one-line status (connecting, your ID, errors) under the content. */
  @property({ type: Boolean, attribute: 'show-status' }) showStatus = false;

  @state() private status: PeerStatus = 'idle';
  @state() private lastError = '';

  private current: Peer | null = null;
  private createdWith: { key: string; server: string | null; id: string | null } | null = null;
  private subscriptions = new Subscriptions();
  private waiters: Array<(peer: Peer) => void> = [];

  /** The SDK Peer (null before the element is connected and after it is removed). */
  get peer(): Peer | null {
    return this.current;
  }

  /** True while the Peer is registered with the server. */
  get open(): boolean {
    return this.status === 'open';
  }

  /** Resolves with the Peer once it is open (at once when it already is). */
  whenOpen(): Promise<Peer> {
    if (this.open && this.current) return Promise.resolve(this.current);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-added after removal: `updated` creates a new Peer. (A move within one task kept it.)
    if (!this.createdWith) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Deferred so that moving the element (remove + insert in the same task) keeps its Peer.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.destroyPeer();
      this.createdWith = null;
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this.isConnected) return;
    // A Peer that failed or closed on its own is not retried until its inputs change.
    if (this.createdWith && !this.needsNewPeer(this.createdWith)) return;
    this.createPeer();
  }

  private needsNewPeer(was: { key: string; server: string | null; id: string | null }): boolean {
    if (was.key !== this.apiKey || (was.server || null) !== (this.server || null)) return true;
    // After open, `peerId` holds the assigned ID: that is not a request for another one.
    const wanted = this.peerId || null;
    return wanted !== null && wanted !== was.id;
  }

  private createPeer(): void {
    this.destroyPeer();
    const id = this.peerId || null;
    this.createdWith = { key: this.apiKey, server: this.server || null, id };
    this.lastError = '';
    this.status = 'connecting';
    let peer: Peer;
    try {
      const options = { key: this.apiKey, debug: Math.max(0, Math.min(3, this.debug)) as 0 | 1 | 2 | 3, ...(this.server ? { server: this.server } : {}) };
      peer = id ? new Peer(id, options) : new Peer(options);
    } catch (err) {
      this.status = 'error';
      this.reportError(err);
      return;
    }
    this.current = peer;
    this.subscriptions.add(
      listen(peer, 'open', (peerId: string) => {
        if (this.current !== peer) return;
        // Record the assigned ID first so writing it to `peerId` is not taken as a new request.
        if (this.createdWith) this.createdWith = { ...this.createdWith, id: peerId };
        this.peerId = peerId;
        this.status = 'open';
        fire(this, 'ecl-open', { peerId });
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters) resolve(peer);
      }),
      listen(peer, 'error', (err: unknown) => {
        if (this.current !== peer) return;
        if (!this.open) this.status = 'error';
        this.reportError(err);
      }),
      listen(peer, 'call', (call: MediaConnection) => fire(this, 'ecl-call', { call })),
      listen(peer, 'connection', (connection: DataConnection) => fire(this, 'ecl-connection', { connection })),
      listen(peer, 'disconnected', (peerId: string) => {
        if (this.current !== peer || this.status === 'error') return;
        this.status = 'disconnected';
        fire(this, 'ecl-disconnected', { peerId: peerId ?? this.peerId ?? '' });
      }),
      listen(peer, 'close', () => {
        if (this.current === peer) this.destroyPeer();
      }),
    );
  }

  private reportError(err: unknown): void {
    const detail = errorDetail(err, 'server-error');
    this.lastError = detail.message;
    fire(this, 'ecl-error', detail);
  }

  private destroyPeer(): void {
    const peer = this.current;
    if (!peer) return;
    this.current = null;
    this.subscriptions.clear();
    const wasError = this.status === 'error';
    this.status = wasError ? 'error' : 'closed';
    try {
      peer.destroy();
    } catch {
      // Already destroyed by the SDK after a fatal error: nothing left to free.
    }
    // The close is ours to announce: children let go of the Peer on this event.
    fire(this, 'ecl-close', {});
  }

  private statusText(): string {
    switch (this.status) {
      case 'connecting':
        return 'Connecting…';
      case 'open':
        return `Your ID: ${this.peerId}`;
      case 'disconnected':
        return 'Reconnecting…';
      case 'error':
        return `Error: ${this.lastError}`;
      case 'closed':
        return 'Closed';
      default:
        return '';
    }
  }

  protected override render() {
    return html`<slot></slot>${this.showStatus
        ? html`<p part="status" role="status" data-status=${this.status}>${this.statusText()}</p>`
        : nothing}`;
  }
}

defineOnce('ecl-peer', EclPeer);

declare global {
  interface HTMLElementTagNameMap {
    'ecl-peer': EclPeer;
  }
}
