import type { PeerContext } from './context.js';
import type { PeerError } from './errors.js';
import { MediaConnection } from './media-connection.js';
import type { RoomOptions } from './options.js';
import { Room, type RoomSignalMessage } from './room.js';

/**
 * A full-mesh room: one peer connection (one simple-peer) per pair of members.
 * The newcomer offers to every member already there; members answer automatically.
 *
 * Glare (both sides of a pair offering) cannot come from the server's ordering —
 * it tells only the newcomer to connect — but can from a reconnect or an
 * out-of-order relay. Both sides then apply the same rule: the connection offered
 * by the lexicographically smaller peer ID stays, the other is dropped at once.
 * No timer is involved, so the outcome does not depend on who is faster.
 */
export class MeshRoom extends Room {
  #connections = new Map<string, MediaConnection>();

  /** @internal Created by `Peer.joinRoom(name, {mode: 'mesh'})`. */
  constructor(context: PeerContext, name: string, options: RoomOptions) {
    super(context, name, options, 'mesh');
  }

  /** Member ID → the RTCPeerConnection to that member (for stats). */
  getPeerConnections(): Record<string, RTCPeerConnection> {
    const result: Record<string, RTCPeerConnection> = {};
    for (const [peerId, connection] of this.#connections) {
      const pc = connection.getPeerConnection();
      if (pc && !connection.closed) result[peerId] = pc;
    }
    return result;
  }

  /** Sends `stream` on every connection with replaceTrack (no renegotiation while the track kinds stay the same). */
  replaceStream(stream: MediaStream): void {
    this.localStream = stream;
    if (this.receiveOnly) {
      this.context.logger.warn(`room "${this.name}" was joined receive-only; it sends nothing`);
      return;
    }
    for (const connection of this.#connections.values()) connection.replaceStream(stream);
  }

  protected override onJoined(members: string[]): void {
    for (const peerId of members) this.#connect(peerId);
  }

  protected override onMemberLeft(peerId: string): void {
    const connection = this.#connections.get(peerId);
    this.#connections.delete(peerId);
    connection?.dispose(); // the member is gone or closing its side itself: no hang-up needed
  }

  protected override onMemberError(peerId: string, error: PeerError): void {
    super.onMemberError(peerId, error);
    const connection = this.#connections.get(peerId);
    this.#connections.delete(peerId);
    connection?.dispose();
  }

  protected override onPeerSignal(message: RoomSignalMessage): void {
    if (message.connectionType !== 'media' || message.signal.type !== 'offer') {
      this.context.logger.warn(`room "${this.name}": ignoring a ${message.signal.type} for unknown connection ${message.connectionId}`);
      return;
    }
    const remoteId = message.src;
    const existing = this.#connections.get(remoteId);
    if (existing && !existing.closed) {
      if (existing.initiator && !this.#incomingWins(remoteId)) {
        super.onPeerSignal(message); // decline theirs; they drop it by the same rule when our offer reaches them
        return;
      }
      // Theirs wins the glare, or they replaced a connection they had offered before.
      this.#connections.delete(remoteId);
      existing.dispose();
    }
    const connection = new MediaConnection(this.context, {
      remoteId,
      connectionId: message.connectionId,
      initiator: false,
      options: message.options ?? { room: this.name },
      firstSignal: message.signal,
    });
    this.#adopt(connection);
    connection.answer(this.sendingStream);
  }

  protected override onClosing(): void {
    const connections = [...this.#connections.values()];
    this.#connections.clear();
    for (const connection of connections) connection.close();
  }

  /** The connection offered by the smaller peer ID is the one both sides keep. */
  #incomingWins(remoteId: string): boolean {
    const self = this.context.peerId;
    return self === null || remoteId < self;
  }

  #connect(remoteId: string): void {
    const existing = this.#connections.get(remoteId);
    if (existing && !existing.closed) return; // they offered first (out-of-order delivery): keep theirs
    const connection = new MediaConnection(this.context, {
      remoteId,
      initiator: true,
      stream: this.sendingStream,
      options: { room: this.name },
    });
    this.#adopt(connection);
  }

  #adopt(connection: MediaConnection): void {
    const remoteId = connection.remoteId;
    this.#connections.set(remoteId, connection);
    connection.on('stream', (stream) => {
      if (this.#connections.get(remoteId) === connection) this.emitStream(stream, remoteId);
    });
    connection.on('close', () => {
      if (this.#connections.get(remoteId) === connection) this.#connections.delete(remoteId);
    });
    connection.on('error', (error) => {
      this.context.logger.warn(`room "${this.name}": connection to ${remoteId}: ${error.message}`);
    });
  }
}
