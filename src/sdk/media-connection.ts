import { compact } from './compact.js';
import { Connection, type ConnectionInit } from './connection.js';
import type { PeerContext } from './context.js';
import { PeerError } from './errors.js';
import { missingKinds, replaceOutgoingTracks } from './media-tracks.js';
import { peerConnectionOf, type SimplePeerInstance } from './simple-peer-loader.js';

export type MediaConnectionEvents = {
  /** The remote side's MediaStream (once per remote stream). */
  stream: MediaStream;
  close: void;
  error: PeerError;
};

export interface MediaConnectionInit extends ConnectionInit {
  /** Outgoing calls: what to send (none = receive only). */
  stream?: MediaStream;
}

/**
 * An audio/video call (ECLWebRTC's MediaConnection). The caller's offer always asks
 * for both audio and video from the callee, so either side may send nothing and
 * still receive.
 */
export class MediaConnection extends Connection<MediaConnectionEvents> {
  readonly type = 'media' as const;
  localStream: MediaStream | undefined;
  remoteStream: MediaStream | undefined;
  #answered = false;

  /** @internal Created by `Peer.call()`, by the Peer for an incoming call, or by a mesh room. */
  constructor(context: PeerContext, init: MediaConnectionInit) {
    super(context, { ...init, options: compact({ ...init.options, receiveOnly: init.initiator ? !init.stream || undefined : init.options.receiveOnly }) }, 'mc_');
    this.localStream = init.stream;
    if (init.initiator) {
      this.#answered = true;
      void this.#start();
    }
  }

  /** Accepts an incoming call, sending `stream` (or nothing: receive only). */
  answer(stream?: MediaStream): void {
    if (this.initiator) {
      this.context.logger.warn('answer() is for incoming calls; this call was placed by this peer');
      return;
    }
    if (this.#answered || this.closed) {
      this.context.logger.warn(`call ${this.connectionId} was already ${this.closed ? 'closed' : 'answered'}`);
      return;
    }
    this.#answered = true;
    this.localStream = stream;
    void this.#start();
  }

  /**
   * Sends `stream` instead of the current one (switch camera, start a screen share)
   * without a new call. Before the call starts, it just replaces what will be sent.
   */
  replaceStream(stream: MediaStream): void {
    this.localStream = stream;
    const sp = this.sp;
    const pc = sp ? peerConnectionOf(sp) : null;
    if (!sp || !pc || this.closed) return;
    replaceOutgoingTracks(sp, pc, stream).catch((err: unknown) => {
      this.emit('error', new PeerError('webrtc', `replaceStream failed: ${(err as Error).message}`, { cause: err }));
    });
  }

  protected override onSimplePeer(sp: SimplePeerInstance): void {
    sp.on('stream', (stream: MediaStream) => {
      if (this.closed) return;
      this.remoteStream = stream;
      this.emit('stream', stream);
    });
  }

  protected override onConnect(): void {
    this.context.logger.log(`call ${this.connectionId} with ${this.remoteId} connected`);
  }

  #start(): Promise<void> {
    return this.startSimplePeer(
      () => ({ initiator: this.initiator, streams: this.localStream ? [this.localStream] : [] }),
      (sp) => {
        if (!this.initiator) return;
        for (const kind of missingKinds(this.localStream)) sp.addTransceiver(kind, { direction: 'recvonly' });
      },
    );
  }
}
