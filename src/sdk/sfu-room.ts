import type { SignalData } from '../protocol/index.js';
import type { PeerContext } from './context.js';
import { PeerError } from './errors.js';
import { replaceOutgoingTracks } from './media-tracks.js';
import type { RoomOptions } from './options.js';
import { Room, type SfuServerMessage } from './room.js';
import { loadSimplePeer, peerConnectionOf, type SimplePeerInstance } from './simple-peer-loader.js';

/**
 * A room whose media goes through the server's SFU: one peer connection (one
 * simple-peer) to the server, on which this member publishes its audio and video
 * once and receives every other member's tracks.
 *
 * The server is always the offerer; simple-peer runs as a non-initiator, answers
 * each offer, and asks the server for a new one (`renegotiate`) when local tracks
 * change. Each forwarded track carries the publishing member's stream id in its
 * msid; `sfu-streams` (sent before the offer that adds the tracks) maps those ids
 * to member IDs, so every remote stream is announced with its `peerId`.
 */
export class SfuRoom extends Room {
  #sp: SimplePeerInstance | null = null;
  /** `sfu-signal`s that arrived while simple-peer was loading, fed to it in order. */
  #pendingSignals: SignalData[] = [];
  /** Stream id → member ID, as the server last told us (the streams it forwards to us). */
  #owners: Record<string, string> = {};
  /** Remote streams seen on the connection, by stream id; announced once their owner is known. */
  #streams = new Map<string, { stream: MediaStream; announced: boolean }>();

  /** @internal Created by `Peer.joinRoom(name, {mode: 'sfu'})`. */
  constructor(context: PeerContext, name: string, options: RoomOptions) {
    super(context, name, options, 'sfu');
    // Start loading now so the library is there when the server's first offer arrives.
    loadSimplePeer().catch(() => undefined);
  }

  /** The one RTCPeerConnection to the server (for getStats), or null before it exists or after close. */
  getPeerConnection(): RTCPeerConnection | null {
    return this.#sp ? peerConnectionOf(this.#sp) : null;
  }

  /** Sends `stream` instead of the current one, with replaceTrack (no renegotiation while the track kinds stay the same). */
  replaceStream(stream: MediaStream): void {
    this.localStream = stream;
    if (this.receiveOnly) {
      this.context.logger.warn(`room "${this.name}" was joined receive-only; it sends nothing`);
      return;
    }
    const sp = this.#sp;
    const pc = this.getPeerConnection();
    if (!sp || !pc || this.closed) return; // the stream is picked up when simple-peer starts
    replaceOutgoingTracks(sp, pc, stream).catch((err: unknown) => {
      this.emit('error', new PeerError('webrtc', `replaceStream failed: ${(err as Error).message}`, { cause: err }));
    });
  }

  protected override onJoined(): void {
    void this.#start();
  }

  protected override onServerMedia(message: SfuServerMessage): void {
    if (message.type === 'sfu-streams') {
      this.#owners = { ...message.streams };
      for (const streamId of [...this.#streams.keys()]) {
        // No longer forwarded to us (its member left): its tracks end with the next offer.
        if (!(streamId in this.#owners)) this.#streams.delete(streamId);
      }
      for (const streamId of this.#streams.keys()) this.#announce(streamId);
      return;
    }
    if (!this.#sp) {
      this.#pendingSignals.push(message.signal);
      return;
    }
    this.#feed(this.#sp, message.signal);
  }

  protected override onClosing(): void {
    const sp = this.#sp;
    this.#sp = null;
    this.#pendingSignals = [];
    this.#streams.clear();
    sp?.destroy();
  }

  async #start(): Promise<void> {
    let SimplePeer;
    try {
      SimplePeer = await loadSimplePeer();
    } catch (err) {
      this.emit('error', new PeerError('webrtc', `could not load simple-peer: ${(err as Error).message}`, { cause: err }));
      return;
    }
    if (this.closed) return;
    let sp: SimplePeerInstance;
    try {
      const stream = this.sendingStream;
      sp = new SimplePeer({ initiator: false, config: this.context.rtcConfig, streams: stream ? [stream] : [] });
    } catch (err) {
      this.emit('error', new PeerError('webrtc', `could not create the peer connection: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.#sp = sp;
    sp.on('signal', (signal) => {
      if (this.#sp !== sp) return;
      try {
        this.context.send({ type: 'sfu-signal', room: this.name, signal: signal as SignalData });
      } catch (err) {
        this.context.logger.warn(`room "${this.name}": could not send an SFU signal`, err);
      }
    });
    sp.on('track', (track: MediaStreamTrack, stream: MediaStream) => this.#onTrack(track, stream));
    // simple-peer destroys itself after an error and 'close' follows; a listener is mandatory (Node-style emitter).
    sp.on('error', (err: Error) => {
      if (this.#sp !== sp) return;
      this.context.logger.error(`room "${this.name}": connection to the SFU:`, err);
      this.emit('error', new PeerError('webrtc', err.message, { cause: err }));
    });
    sp.on('close', () => {
      if (this.#sp === sp) this.#sp = null;
    });
    for (const signal of this.#pendingSignals.splice(0)) this.#feed(sp, signal);
  }

  #onTrack(_track: MediaStreamTrack, stream: MediaStream): void {
    if (this.#streams.has(stream.id)) return;
    this.#streams.set(stream.id, { stream, announced: false });
    // A member's audio and video arrive in the same offer: announce after both are attached.
    queueMicrotask(() => this.#announce(stream.id));
  }

  #announce(streamId: string): void {
    const entry = this.#streams.get(streamId);
    const peerId = this.#owners[streamId];
    if (!entry || entry.announced || peerId === undefined || this.closed) return;
    entry.announced = true;
    this.emitStream(entry.stream, peerId);
  }

  #feed(sp: SimplePeerInstance, signal: SignalData): void {
    try {
      sp.signal(signal as Parameters<SimplePeerInstance['signal']>[0]);
    } catch (err) {
      this.context.logger.warn(`room "${this.name}": SFU signal refused`, err);
    }
  }
}
