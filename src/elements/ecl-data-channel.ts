import { LitElement, css, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { DataConnection, Peer } from '../sdk/index.js';
import { defineOnce } from './define.js';
import { errorDetail, fire } from './events.js';
import { Subscriptions, claim, listen } from './listen.js';
import { PeerLink } from './peer-link.js';

export type ChannelState = 'idle' | 'connecting' | 'open' | 'closed';
type Serialization = 'binary' | 'json' | 'none';

/**
 * A data channel (the telephone model's `DataConnection`) as a behaviour element: it
 * shows nothing unless asked to (`show-status`). With `remote-id`, `connect()` (or the
 * first `send()`) opens a connection to that Peer; without it, it accepts the incoming
 * connections of its `<ecl-peer>` (those with a matching `label` when one is set).
 * Incoming data arrives as `ecl-data` events.
 *
 * @tagname ecl-data-channel
 * @summary Sends and receives data with another Peer.
 *
 * @attr remote-id - Peer ID to connect to; also limits incoming connections to that Peer.
 * @attr label - Connection label; incoming connections with another label are left to other elements.
 * @attr serialization - `binary` (default: structured values, ArrayBuffer, Blob), `json` or `none` (strings and binary as they are).
 * @attr peer - ID of the `<ecl-peer>` element to use when this element is not inside one.
 * @attr show-status - Shows a one-word connection status.
 *
 * @fires {CustomEvent<{ remoteId: string }>} ecl-open - The connection is open; `send()` goes straight out.
 * @fires {CustomEvent<{ data: unknown; remoteId: string }>} ecl-data - A message arrived.
 * @fires {CustomEvent<{ remoteId: string }>} ecl-close - The connection closed (either side).
 * @fires {CustomEvent<{ type: string; message: string }>} ecl-error - `type` is an SDK error type (`peer-unavailable`, …) or `no-peer`.
 *
 * @csspart status - The status text shown with `show-status`.
 * @cssprop --ecl-font-family - Font of the status text.
 * @cssprop --ecl-status-color - Colour of the status text.
 */
export class EclDataChannel extends LitElement {
  static override styles = css`
    :host {
      display: none;
    }
    :host([show-status]) {
      display: inline-block;
      font: 0.875rem var(--ecl-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
      color: var(--ecl-status-color, inherit);
    }
  `;

  /** Peer ID to connect to; also limits incoming connections to that Peer. */
  @property({ attribute: 'remote-id' }) remoteId: string | null = null;
  /** Connection label; incoming connections with another label are left to other elements. */
  @property() label: string | null = null;
  /** `binary` (default: structured values, ArrayBuffer, Blob), `json` or `none` (strings and binary as they are). */
  @property() serialization: Serialization = 'binary';
  /** ID of the `<ecl-peer>` element to use when this element is not inside one. */
  @property({ attribute: 'peer' }) peerElementId: string | null = null;
  /** Shows a one-word connection status. */
  @property({ type: Boolean, attribute: 'show-status' }) showStatus = false;

  @state() private phase: ChannelState = 'idle';
  @state() private otherId = '';

  private current: DataConnection | null = null;
  private queue: unknown[] = [];
  private opening: { resolve(c: DataConnection): void; reject(e: unknown): void } | null = null;
  private pendingOpen: Promise<DataConnection> | null = null;
  private peerSubscriptions = new Subscriptions();
  private connectionSubscriptions = new Subscriptions();
  private readonly link = new PeerLink(this, {
    open: (peer) => this.watchPeer(peer),
    close: () => {
      this.peerSubscriptions.clear();
      this.end(true);
    },
  });

  /** The SDK DataConnection, if any. */
  get connection(): DataConnection | null {
    return this.current;
  }

  /** True while the connection is open. */
  get open(): boolean {
    return this.phase === 'open';
  }

  /** `idle`, `connecting`, `open` or `closed`. */
  get channelState(): ChannelState {
    return this.phase;
  }

  /** The Peer at the other end (`remote-id`, or whoever connected here). */
  get connectedPeerId(): string {
    return this.otherId;
  }

  /** Opens a connection to `remote-id` (reusing an open or opening one). Resolves when it is open. */
  connect(): Promise<DataConnection> {
    if (this.current && this.phase === 'open') return Promise.resolve(this.current);
    if (this.pendingOpen) return this.pendingOpen;
    const remoteId = this.remoteId;
    if (!remoteId) {
      const error = { type: 'peer-unavailable', message: '<ecl-data-channel>: connect() needs a remote-id' };
      fire(this, 'ecl-error', error);
      return Promise.reject(Object.assign(new Error(error.message), error));
    }
    this.phase = 'connecting';
    this.otherId = remoteId;
    const promise = new Promise<DataConnection>((resolve, reject) => {
      this.opening = { resolve, reject };
    });
    this.pendingOpen = promise;
    // Callers that only use events should not see an unhandled rejection.
    promise.catch(() => {});
    void this.link.whenOpen().then((peer) => {
      if (this.pendingOpen !== promise || this.current) return;
      const options: { serialization: Serialization; label?: string } = { serialization: this.serialization };
      if (this.label) options.label = this.label;
      const connection = peer.connect(remoteId, options);
      claim(connection);
      this.bindConnection(connection, remoteId);
    });
    return promise;
  }

  /**
   * Sends `data` (anything the serialization carries). Before the connection is open the
   * data is queued, and with `remote-id` the connection is opened.
   */
  send(data: unknown): void {
    if (this.current && this.phase === 'open') {
      this.current.send(data);
      return;
    }
    this.queue.push(data);
    if (!this.current && this.remoteId) void this.connect().catch(() => {});
  }

  /** Closes the connection (the other side gets `ecl-close` too). */
  close(): void {
    this.end(true);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('peerElementId') && changed.get('peerElementId') !== undefined) this.link.refresh();
  }

  private watchPeer(peer: Peer): void {
    this.peerSubscriptions.clear();
    this.peerSubscriptions.add(
      listen(peer, 'connection', (connection: DataConnection) => this.offer(connection)),
      listen(peer, 'error', (err: { type?: string; message?: string }) => {
        if (err?.type === 'peer-unavailable' && this.phase === 'connecting' && String(err.message).includes(this.otherId)) {
          fire(this, 'ecl-error', errorDetail(err));
          this.end(true, err);
        }
      }),
    );
    if (this.queue.length && this.remoteId && !this.current) void this.connect().catch(() => {});
  }

  private offer(connection: DataConnection): void {
    if (this.remoteId && connection.remoteId !== this.remoteId) return;
    if (this.label && connection.label !== this.label) return;
    const take = (): void => {
      if (this.current || !claim(connection)) return;
      this.bindConnection(connection, connection.remoteId);
    };
    if (this.remoteId) take();
    else queueMicrotask(take);
  }

  private bindConnection(connection: DataConnection, remoteId: string): void {
    this.current = connection;
    this.otherId = remoteId;
    this.phase = 'connecting';
    this.connectionSubscriptions.clear();
    this.connectionSubscriptions.add(
      listen(connection, 'open', () => this.opened(connection)),
      listen(connection, 'data', (data: unknown) => {
        if (this.current === connection) fire(this, 'ecl-data', { data, remoteId });
      }),
      listen(connection, 'close', () => {
        // Deferred: when the remote Peer is absent the SDK closes the connection first and
        // reports `peer-unavailable` on the Peer right after; that error should win.
        queueMicrotask(() => {
          if (this.current === connection) this.end(false);
        });
      }),
      listen(connection, 'error', (err: unknown) => {
        if (this.current !== connection) return;
        fire(this, 'ecl-error', errorDetail(err, 'webrtc'));
        // A connection that fails before opening will not open later.
        if (this.phase !== 'open') this.end(true, err);
      }),
    );
    if (connection.open) this.opened(connection);
  }

  private opened(connection: DataConnection): void {
    if (this.current !== connection || this.phase === 'open') return;
    this.phase = 'open';
    this.opening?.resolve(connection);
    this.opening = null;
    this.pendingOpen = null;
    fire(this, 'ecl-open', { remoteId: this.otherId });
    const queued = this.queue;
    this.queue = [];
    for (const data of queued) connection.send(data);
  }

  private end(closeIt: boolean, reason?: unknown): void {
    const connection = this.current;
    const opening = this.opening;
    this.opening = null;
    this.pendingOpen = null;
    opening?.reject(reason ?? Object.assign(new Error('the connection closed before it opened'), { type: 'webrtc' }));
    if (!connection) {
      if (this.phase === 'connecting') this.phase = 'idle';
      return;
    }
    this.current = null;
    this.connectionSubscriptions.clear();
    if (closeIt) {
      try {
        connection.close();
      } catch {
        // Already closed by the SDK.
      }
    }
    this.phase = 'closed';
    fire(this, 'ecl-close', { remoteId: this.otherId });
  }

  protected override render() {
    return this.showStatus
      ? html`<span part="status" role="status" data-state=${this.phase}>${this.phase}${this.otherId ? ` · ${this.otherId}` : ''}</span>`
      : html``;
  }
}

defineOnce('ecl-data-channel', EclDataChannel);

declare global {
  interface HTMLElementTagNameMap {
    'ecl-data-channel': EclDataChannel;
  }
}
