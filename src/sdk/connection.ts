import type { ConnectionOptions, SignalData } from '../protocol/index.js';
import type { PeerContext, RoutableConnection } from './context.js';
import { Emitter } from './emitter.js';
import { PeerError } from './errors.js';
import { randomId } from './random-id.js';
import {
  loadSimplePeer,
  peerConnectionOf,
  type SimplePeerInstance,
  type SimplePeerOptions,
} from './simple-peer-loader.js';

export type ConnectionType = 'media' | 'data';

/** Chromium reports the other side's RTCPeerConnection.close() as an SCTP "User-Initiated Abort" on the data channel. */
function isRemoteClose(err: Error & { code?: string }): boolean {
  return err.code === 'ERR_DATA_CHANNEL' && /User-Initiated Abort/i.test(err.message);
}

export type ConnectionEvents = { close: void; error: PeerError };

export interface ConnectionInit {
  remoteId: string;
  /** Given for incoming connections; generated for outgoing ones. */
  connectionId?: string;
  initiator: boolean;
  /** What the caller told the callee with its offer (metadata, label, room, …). */
  options: ConnectionOptions;
  /** Incoming connections: the offer that announced them. */
  firstSignal?: SignalData;
}

/**
 * One RTCPeerConnection to one remote peer, driven by exactly one simple-peer
 * instance, negotiated over the signaling socket. Signals that arrive before the
 * simple-peer instance exists (an incoming call not yet answered, or simple-peer
 * still loading) wait in a queue and are fed to it in order.
 */
export abstract class Connection<E extends ConnectionEvents> extends Emitter<E> implements RoutableConnection {
  abstract readonly type: ConnectionType;
  readonly remoteId: string;
  readonly connectionId: string;
  readonly metadata: unknown;
  readonly initiator: boolean;
  /** true once the peer connection and its data channel are up. */
  open = false;
  protected readonly context: PeerContext;
  protected readonly options: ConnectionOptions;
  protected sp: SimplePeerInstance | null = null;
  #pendingSignals: SignalData[] = [];
  #optionsSent = false;
  #closed = false;

  constructor(context: PeerContext, init: ConnectionInit, idPrefix: string) {
    super();
    this.context = context;
    this.remoteId = init.remoteId;
    this.connectionId = init.connectionId ?? randomId(idPrefix);
    this.initiator = init.initiator;
    this.options = init.options;
    this.metadata = init.options.metadata;
    if (init.firstSignal) this.#pendingSignals.push(init.firstSignal);
    context.register(this);
  }

  /** ECLWebRTC's name for the remote peer ID. */
  get peer(): string {
    return this.remoteId;
  }

  get roomName(): string | undefined {
    return this.options.room;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The underlying RTCPeerConnection (for getStats), or null before it exists or after close. */
  getPeerConnection(): RTCPeerConnection | null {
    return this.sp ? peerConnectionOf(this.sp) : null;
  }

  /** Closes the connection; the remote side gets `close` at once through a signaling hang-up. */
  close(): void {
    if (this.#closed) return;
    try {
      this.context.send({ type: 'hangup', dst: this.remoteId, connectionId: this.connectionId, connectionType: this.type });
    } catch {
      // Without signaling the remote still notices when its data channel closes.
    }
    this.finish();
  }

  /** @internal Signal from the remote side. */
  handleSignal(signal: SignalData): void {
    if (this.#closed) return;
    if (!this.sp) {
      this.#pendingSignals.push(signal);
      return;
    }
    this.#feed(this.sp, signal);
  }

  /** @internal The remote side hung up. */
  handleHangup(): void {
    this.context.logger.log(`${this.type} connection ${this.connectionId}: remote hung up`);
    this.finish();
  }

  /**
   * @internal The connection cannot go on: emits `error` (unless its Peer reports it,
   * as with the server's `peer-unavailable`) and closes.
   */
  fail(error: PeerError, emit = true): void {
    if (this.#closed) return;
    if (emit) this.emitEvent('error', error);
    this.finish();
  }

  /** Closes without telling the remote side (it is gone, or it is the one that decided). */
  dispose(): void {
    this.finish();
  }

  /**
   * Creates the simple-peer instance once the library is loaded. `options` is read
   * after loading, so a `replaceStream()` during the load is not lost.
   */
  protected async startSimplePeer(options: () => SimplePeerOptions, beforeNegotiation?: (sp: SimplePeerInstance) => void): Promise<void> {
    let SimplePeer;
    try {
      SimplePeer = await loadSimplePeer();
    } catch (err) {
      this.fail(new PeerError('webrtc', `could not load simple-peer: ${(err as Error).message}`, { cause: err }));
      return;
    }
    if (this.#closed) return;
    let sp: SimplePeerInstance;
    try {
      sp = new SimplePeer({ config: this.context.rtcConfig, ...options() });
    } catch (err) {
      this.fail(new PeerError('webrtc', `could not create the peer connection: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.sp = sp;
    sp.on('signal', (signal) => this.#sendSignal(signal as SignalData));
    sp.on('connect', () => {
      if (this.#closed) return;
      this.open = true;
      this.onConnect(sp);
    });
    sp.on('close', () => this.finish());
    // simple-peer destroys itself after an error and 'close' follows; a listener is mandatory (Node-style emitter).
    sp.on('error', (err: Error & { code?: string }) => {
      if (this.#closed) return;
      if (isRemoteClose(err)) {
        // The remote side closed its peer connection (its hang-up message may still be on the way): a close, not a failure.
        this.context.logger.log(`${this.type} connection ${this.connectionId}: remote closed the channel`);
        return;
      }
      this.context.logger.error(`${this.type} connection ${this.connectionId}:`, err);
      this.emitEvent('error', new PeerError('webrtc', err.message, { cause: err }));
    });
    // Runs before simple-peer's first (microtask-batched) negotiation, so transceivers added here are in the first offer.
    beforeNegotiation?.(sp);
    this.onSimplePeer(sp);
    for (const signal of this.#pendingSignals.splice(0)) this.#feed(sp, signal);
  }

  /** Hook: wire simple-peer events specific to the connection type. */
  protected onSimplePeer(_sp: SimplePeerInstance): void {}

  /** Hook: the connection is up. */
  protected onConnect(_sp: SimplePeerInstance): void {}

  /** Hook: release what the subclass holds; runs once, before `close` is emitted. */
  protected onClose(): void {}

  protected finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.open = false;
    this.#pendingSignals = [];
    this.context.forget(this);
    const sp = this.sp;
    if (sp) sp.destroy();
    this.onClose();
    this.emitEvent('close');
  }

  /** `emit` for the base events, which TypeScript cannot resolve through the generic `E`. */
  protected emitEvent(name: 'close'): void;
  protected emitEvent(name: 'error', error: PeerError): void;
  protected emitEvent(name: 'close' | 'error', error?: PeerError): void {
    const self = this as unknown as Emitter<ConnectionEvents>;
    if (name === 'close') self.emit('close');
    else self.emit('error', error as PeerError);
  }

  #feed(sp: SimplePeerInstance, signal: SignalData): void {
    try {
      sp.signal(signal as Parameters<SimplePeerInstance['signal']>[0]);
    } catch (err) {
      this.context.logger.warn(`${this.type} connection ${this.connectionId}: signal refused`, err);
    }
  }

  #sendSignal(signal: SignalData): void {
    if (this.#closed) return;
    const withOptions = this.initiator && !this.#optionsSent;
    this.#optionsSent = true;
    try {
      this.context.send({
        type: 'signal',
        dst: this.remoteId,
        connectionId: this.connectionId,
        connectionType: this.type,
        signal,
        ...(withOptions ? { options: this.options } : {}),
      });
    } catch (err) {
      this.fail(err instanceof PeerError ? err : new PeerError('socket-error', String(err)));
    }
  }
}
