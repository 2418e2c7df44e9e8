import type { ClientMessage, ServerMessage, SignalData } from '../protocol/index.js';
import type { PeerError } from './errors.js';
import type { Logger } from './logger.js';

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A client message that carries a `requestId`, without it (the Peer assigns one). */
export type RequestMessage = DistributiveOmit<Extract<ClientMessage, { requestId: number }>, 'requestId'>;

/**
 * What connections and rooms need from their Peer. The Peer implements it privately
 * so that none of this becomes public API.
 */
export interface PeerContext {
  /** The local peer ID (null until the first `open`). */
  readonly peerId: string | null;
  readonly rtcConfig: RTCConfiguration | undefined;
  /** The server's `room.send` limit, from its `open` message (1 MiB, the server default, until then). */
  readonly maxRoomDataBytes: number;
  readonly logger: Logger;
  /**
   * Sends a message on the signaling socket, queueing it while the socket is
   * (re)connecting. Throws PeerError('disconnected') when the Peer is disconnected for good.
   */
  send(message: ClientMessage): void;
  /** Sends a request with a fresh `requestId`; resolves with the answer carrying the same ID. */
  request<T extends ServerMessage>(message: RequestMessage): Promise<T>;
  register(connection: RoutableConnection): void;
  forget(connection: RoutableConnection): void;
  forgetRoom(name: string, room: object): void;
}

/** The part of a connection its Peer needs to route signals, hang-ups and errors to it. */
export interface RoutableConnection {
  readonly remoteId: string;
  readonly connectionId: string;
  /** Set for connections that belong to a mesh room (not announced as `call`). */
  readonly roomName: string | undefined;
  handleSignal(signal: SignalData): void;
  handleHangup(): void;
  fail(error: PeerError, emit?: boolean): void;
  close(): void;
}

export function connectionKey(remoteId: string, connectionId: string): string {
  return `${remoteId}\u0000${connectionId}`;
}
