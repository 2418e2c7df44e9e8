import {
  CLOSE_CODES,
  isValidPeerId,
  isValidRoomName,
  type ClientMessage,
  type ServerMessage,
  type ServerMessageOf,
} from '../protocol/index.js';
import { connectionKey, type PeerContext, type RequestMessage, type RoutableConnection } from './context.js';
import { DataConnection } from './data-connection.js';
import { Emitter } from './emitter.js';
import { PeerError } from './errors.js';
import { Logger } from './logger.js';
import { MediaConnection } from './media-connection.js';
import { MeshRoom } from './mesh-room.js';
import type { CallOptions, ConnectOptions, PeerOptions, RoomOptions } from './options.js';
import type { Room, RoomServerMessage } from './room.js';
import { SfuRoom } from './sfu-room.js';
import { SignalingSocket, signalingUrl } from './signaling-socket.js';

export type PeerEvents = {
  /** The server accepted this peer (again, after a reconnect); the payload is the peer ID. */
  open: string;
  call: MediaConnection;
  connection: DataConnection;
  /** destroy() finished: the peer and all its connections are closed. */
  close: void;
  /** The signaling connection is gone (peer-to-peer connections stay up); the payload is the peer ID. */
  disconnected: string;
  error: PeerError;
};

/** Messages sent while the socket is (re)connecting wait here; past this many the peer reports them lost. */
const MAX_OUTBOX = 1000;
/** Delays between automatic reconnect attempts after a drop; the last one repeats until RECONNECT_WINDOW_MS. */
const RECONNECT_DELAYS_MS = [0, 250, 500, 1000, 2000];
/** Longer than the server's default grace period (10 s): past it the ID is only reclaimed if still free. */
const RECONNECT_WINDOW_MS = 30_000;

interface PendingRequest {
  resolve(message: ServerMessage): void;
  reject(error: PeerError): void;
}

/**
 * A peer on the signaling server (ECLWebRTC's `Peer`): it opens with a chosen or
 * server-given ID, places and receives calls and data connections, and joins rooms.
 *
 * The session token from `open` lets it reclaim its ID after the socket drops:
 * automatically (`autoReconnect`, default on) or with `reconnect()` after
 * `disconnect()`. Peer-to-peer connections do not depend on the socket and stay up.
 */
export class Peer extends Emitter<PeerEvents> {
  /** The peer ID, known from `open` (or the chosen one, before it). */
  id: string | null;
  open = false;
  disconnected = false;
  destroyed = false;
  readonly options: Readonly<PeerOptions>;

  #logger: Logger;
  #context: PeerContext;
  #socket: SignalingSocket | null = null;
  #token: string | null = null;
  #maxRoomDataBytes = 1024 * 1024;
  #everOpened = false;
  /** Whether the current socket got its `open` (a failed connect attempt is not a drop). */
  #socketOpened = false;
  #reconnecting = false;
  #reconnectAttempt = 0;
  #reconnectDeadline = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #outbox: ClientMessage[] = [];
  #connections = new Map<string, RoutableConnection>();
  #rooms = new Map<string, Room>();
  #requests = new Map<number, PendingRequest>();
  #nextRequestId = 1;

  constructor(options: PeerOptions);
  constructor(id: string | undefined | null, options: PeerOptions);
  constructor(idOrOptions: string | undefined | null | PeerOptions, maybeOptions?: PeerOptions) {
    super();
    const chosenId = typeof idOrOptions === 'string' ? idOrOptions : null;
    const options = (typeof idOrOptions === 'object' && idOrOptions !== null ? idOrOptions : maybeOptions) ?? ({} as PeerOptions);
    this.options = { ...options };
    this.id = chosenId;
    this.#logger = new Logger(options.debug ?? 0);
    this.#context = this.#makeContext();

    if (chosenId !== null && !isValidPeerId(chosenId)) {
      // Reported after the constructor returns so the caller's listeners are in place.
      queueMicrotask(() => {
        this.#emitError(new PeerError('invalid-id', `"${chosenId}" is not a valid peer ID: use 1–64 letters, digits, - or _`));
        this.destroy();
      });
      return;
    }
    this.#connect();
  }

  get debug(): number {
    return this.#logger.level;
  }

  /** Open connections by remote peer ID (calls and data connections, not room connections). */
  get connections(): Record<string, Array<MediaConnection | DataConnection>> {
    const result: Record<string, Array<MediaConnection | DataConnection>> = {};
    for (const connection of this.#connections.values()) {
      if (connection.roomName !== undefined) continue;
      if (!(connection instanceof MediaConnection || connection instanceof DataConnection)) continue;
      (result[connection.remoteId] ??= []).push(connection);
    }
    return result;
  }

  /** Calls `remoteId`, sending `stream` (none: receive-only call, the callee's media still arrives). */
  call(remoteId: string, stream?: MediaStream, options: CallOptions = {}): MediaConnection {
    this.#assertUsable();
    if (!isValidPeerId(remoteId)) throw new PeerError('invalid-id', `"${remoteId}" is not a valid peer ID`);
    return new MediaConnection(this.#context, {
      remoteId,
      initiator: true,
      ...(stream ? { stream } : {}),
      options: { metadata: options.metadata },
    });
  }

  /** Opens a data connection to `remoteId`; it emits `open` once usable (`send` before that is queued). */
  connect(remoteId: string, options: ConnectOptions = {}): DataConnection {
    this.#assertUsable();
    if (!isValidPeerId(remoteId)) throw new PeerError('invalid-id', `"${remoteId}" is not a valid peer ID`);
    return new DataConnection(this.#context, {
      remoteId,
      initiator: true,
      options: {
        metadata: options.metadata,
        label: options.label,
        serialization: options.serialization ?? 'binary',
        reliable: options.reliable ?? true,
      },
    });
  }

  /** Joins (creating if needed) the room `name` of this API key. `mode` defaults to `mesh`. */
  joinRoom(name: string, options: RoomOptions & { mode: 'sfu' }): SfuRoom;
  joinRoom(name: string, options?: RoomOptions & { mode?: 'mesh' }): MeshRoom;
  joinRoom(name: string, options?: RoomOptions): MeshRoom | SfuRoom;
  joinRoom(name: string, options: RoomOptions = {}): MeshRoom | SfuRoom {
    this.#assertUsable();
    if (!isValidRoomName(name)) throw new PeerError('room-error', 'a room name is 1–128 characters without control characters');
    if (this.#rooms.has(name)) throw new PeerError('room-error', `already in room "${name}"; close() it before joining again`);
    const mode = options.mode ?? 'mesh';
    if (mode !== 'mesh' && mode !== 'sfu') throw new PeerError('room-error', `unknown room mode "${String(mode)}"`);
    const room = mode === 'sfu' ? new SfuRoom(this.#context, name, options) : new MeshRoom(this.#context, name, options);
    this.#rooms.set(name, room);
    room.join();
    return room;
  }

  /** IDs of every peer connected with this API key (including this one). */
  listAllPeers(callback?: (peers: string[]) => void): Promise<string[]> {
    const result = this.#request<ServerMessageOf<'peers'>>({ type: 'list-peers' }).then((reply) => reply.peers);
    if (!callback) return result;
    return result.then(
      (peers) => {
        callback(peers);
        return peers;
      },
      (error: PeerError) => {
        this.#emitError(error);
        return [];
      },
    );
  }

  fetchPeerExists(peerId: string): Promise<boolean> {
    return this.#request<ServerMessageOf<'peer-exists'>>({ type: 'peer-exists', peerId }).then((reply) => reply.exists);
  }

  /**
   * Closes the signaling connection (the server frees the ID at once) and leaves all
   * rooms; calls and data connections stay up. `reconnect()` comes back.
   */
  disconnect(): void {
    if (this.destroyed || (this.disconnected && !this.#reconnecting)) return;
    for (const room of [...this.#rooms.values()]) room.close();
    this.#stopReconnecting();
    this.#socket?.close(CLOSE_CODES.clientClose, 'disconnect');
    this.#socket = null;
    this.#markDisconnected(new PeerError('disconnected', 'disconnect() was called'));
  }

  /** Connects again after `disconnect()` or a drop, claiming the same ID (with the session token). */
  reconnect(): void {
    if (this.destroyed) throw new PeerError('disconnected', 'the peer was destroyed; create a new one');
    if (!this.disconnected || this.#socket) return;
    // Between automatic attempts: try now instead of waiting for the timer (which must not fire a second socket).
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#logger.log('reconnecting as', this.id);
    this.#connect();
  }

  /** Closes every connection and room and the signaling socket; emits `close`. */
  destroy(): void {
    if (this.destroyed) return;
    // Hang-ups and room leaves go out first, while the socket is still there.
    for (const connection of [...this.#connections.values()]) connection.close();
    for (const room of [...this.#rooms.values()]) room.close();
    this.destroyed = true;
    this.#stopReconnecting();
    this.#socket?.close(CLOSE_CODES.clientClose, 'destroy');
    this.#socket = null;
    this.open = false;
    this.disconnected = true;
    this.#outbox = [];
    this.#rejectRequests(new PeerError('disconnected', 'the peer was destroyed'));
    this.emit('close');
  }

  // ------------------------------------------------------------ socket lifecycle

  #connect(): void {
    this.#socketOpened = false;
    try {
      const url = signalingUrl(this.options.server, { key: this.options.key ?? '', id: this.id, token: this.#token });
      this.#logger.log('connecting to', url.replace(/token=[^&]*/, 'token=…'));
      this.#socket = new SignalingSocket(url, {
        message: (message) => this.#onMessage(message),
        invalid: (reason) => this.#logger.error('invalid message from the server:', reason),
        close: (code, reason) => this.#onSocketClose(code, reason),
      });
    } catch (err) {
      // A malformed `server` option (or a page URL WebSocket cannot derive from, like file://).
      this.#socket = null;
      this.#stopReconnecting();
      queueMicrotask(() => {
        this.#emitError(new PeerError('socket-error', `cannot open the signaling socket: ${(err as Error).message}`, { cause: err }));
        this.#markDisconnected(new PeerError('socket-error', 'no signaling socket'));
      });
    }
  }

  #onOpen(message: ServerMessageOf<'open'>): void {
    const sessionLost = this.#token !== null && this.#token !== message.sessionToken;
    this.id = message.peerId;
    this.#token = message.sessionToken;
    this.#maxRoomDataBytes = message.limits.maxRoomDataBytes;
    this.open = true;
    this.disconnected = false;
    this.#everOpened = true;
    this.#socketOpened = true;
    this.#stopReconnecting();
    if (sessionLost) {
      // Back after the grace period: the server forgot our rooms, so they are over for us too.
      for (const room of [...this.#rooms.values()]) room.terminate();
    }
    const queued = this.#outbox;
    this.#outbox = [];
    for (const m of queued) this.#socket?.send(m);
    this.#logger.log('open as', this.id);
    this.emit('open', this.id);
  }

  #onSocketClose(code: number, reason: string): void {
    this.#socket = null;
    this.open = false;
    if (this.destroyed) return;
    this.#logger.log(`signaling socket closed (${code}${reason ? `: ${reason}` : ''})`);

    if (code === CLOSE_CODES.refused) {
      // The typed error came just before. A peer that was never accepted is unusable (as in ECLWebRTC).
      if (!this.#everOpened) {
        this.destroy();
        return;
      }
      this.#stopReconnecting();
      this.#markDisconnected(new PeerError('disconnected', `the server refused the reconnect (${reason})`));
      return;
    }
    if (code === CLOSE_CODES.replaced) {
      this.#stopReconnecting();
      this.#markDisconnected(new PeerError('disconnected', 'another connection took over this session'));
      return;
    }
    if (this.#reconnecting) {
      this.#scheduleReconnect();
      return;
    }
    if (!this.#socketOpened) {
      this.#emitError(new PeerError('socket-error', `could not connect to the signaling server (close code ${code})`));
      this.#markDisconnected(new PeerError('socket-error', 'could not connect'));
      return;
    }
    // An unexpected drop of an open session.
    this.disconnected = true;
    this.emit('disconnected', this.id ?? '');
    if (this.options.autoReconnect === false) {
      this.#markDisconnected(new PeerError('disconnected', 'the signaling connection dropped'), false);
      return;
    }
    this.#reconnecting = true;
    this.#reconnectAttempt = 0;
    this.#reconnectDeadline = Date.now() + RECONNECT_WINDOW_MS;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (Date.now() > this.#reconnectDeadline) {
      this.#stopReconnecting();
      this.#emitError(new PeerError('socket-error', 'could not reconnect to the signaling server'));
      this.#markDisconnected(new PeerError('disconnected', 'reconnect gave up'), false);
      return;
    }
    const delay = RECONNECT_DELAYS_MS[Math.min(this.#reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)]!;
    this.#reconnectAttempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.destroyed && this.#reconnecting) this.#connect();
    }, delay);
  }

  #stopReconnecting(): void {
    this.#reconnecting = false;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  /** Final state of a signaling session that is not coming back by itself. */
  #markDisconnected(reason: PeerError, announce = true): void {
    const wasDisconnected = this.disconnected;
    this.open = false;
    this.disconnected = true;
    this.#outbox = [];
    this.#rejectRequests(reason);
    if (announce && !wasDisconnected) this.emit('disconnected', this.id ?? '');
  }

  // ------------------------------------------------------------ incoming messages

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'open':
        return this.#onOpen(message);
      case 'error':
        return this.#onError(message);
      case 'signal':
        return this.#onSignal(message);
      case 'hangup':
        this.#connections.get(connectionKey(message.src, message.connectionId))?.handleHangup();
        return;
      case 'peers':
      case 'peer-exists':
      case 'room-log':
        return this.#resolveRequest(message.requestId, message);
      case 'room-joined':
      case 'room-left':
      case 'room-peer-join':
      case 'room-peer-leave':
      case 'room-data':
      case 'sfu-signal':
      case 'sfu-streams':
        return this.#toRoom(message.room, message);
    }
  }

  #onError(message: ServerMessageOf<'error'>): void {
    const error = new PeerError(message.errorType, message.message);
    if (message.requestId !== undefined && this.#requests.has(message.requestId)) {
      const pending = this.#requests.get(message.requestId)!;
      this.#requests.delete(message.requestId);
      pending.reject(error);
      return;
    }
    if (message.room !== undefined) {
      if (this.#rooms.has(message.room)) this.#toRoom(message.room, message);
      else this.#logger.warn(`error about room "${message.room}" we are no longer in:`, message.message);
      return;
    }
    if (message.connectionId !== undefined) {
      const connection = this.#connections.get(connectionKey(message.peerId ?? '', message.connectionId));
      if (!connection) {
        this.#logger.warn('error about a closed connection:', message.message);
        return;
      }
      // Reported once: on the Peer (ECLWebRTC's place for peer-unavailable), or, for a room's
      // connection, to the room, whose members come and go.
      const ours = connection.roomName === undefined;
      connection.fail(error, !ours);
      if (ours) this.#emitError(error);
      return;
    }
    this.#emitError(error);
  }

  #onSignal(message: ServerMessageOf<'signal'>): void {
    const known = this.#connections.get(connectionKey(message.src, message.connectionId));
    if (known) {
      known.handleSignal(message.signal);
      return;
    }
    const roomName = message.options?.room;
    if (roomName !== undefined) {
      const room = this.#rooms.get(roomName);
      if (room) room.handlePeerSignal(message);
      else this.#decline(message);
      return;
    }
    if (message.signal.type !== 'offer') {
      this.#logger.log(`ignoring a ${message.signal.type} for unknown connection ${message.connectionId}`);
      return;
    }
    const init = {
      remoteId: message.src,
      connectionId: message.connectionId,
      initiator: false,
      options: message.options ?? {},
      firstSignal: message.signal,
    };
    if (message.connectionType === 'media') this.emit('call', new MediaConnection(this.#context, init));
    else this.emit('connection', new DataConnection(this.#context, init));
  }

  #toRoom(name: string, message: RoomServerMessage): void {
    this.#rooms.get(name)?.handleServerMessage(message);
  }

  #decline(message: ServerMessageOf<'signal'>): void {
    try {
      this.#send({ type: 'hangup', dst: message.src, connectionId: message.connectionId, connectionType: message.connectionType });
    } catch {
      // Disconnected: the remote side gives up on its own.
    }
  }

  // ------------------------------------------------------------ outgoing messages

  #send(message: ClientMessage): void {
    if (this.open && this.#socket?.isOpen) {
      this.#socket.send(message);
      return;
    }
    // Connecting, reconnecting, or the socket just closed and its close event is yet to decide: keep it for later.
    if (!this.destroyed && (!this.disconnected || this.#reconnecting)) {
      if (this.#outbox.length >= MAX_OUTBOX) throw new PeerError('disconnected', 'too many messages queued while reconnecting');
      this.#outbox.push(message);
      return;
    }
    throw new PeerError('disconnected', 'the peer is not connected to the signaling server');
  }

  #request<T extends ServerMessage>(message: RequestMessage): Promise<T> {
    const requestId = this.#nextRequestId++;
    return new Promise<T>((resolve, reject) => {
      this.#requests.set(requestId, { resolve: resolve as (m: ServerMessage) => void, reject });
      try {
        this.#send({ ...message, requestId } as ClientMessage);
      } catch (err) {
        this.#requests.delete(requestId);
        reject(err);
      }
    });
  }

  #resolveRequest(requestId: number, message: ServerMessage): void {
    const pending = this.#requests.get(requestId);
    if (!pending) return;
    this.#requests.delete(requestId);
    pending.resolve(message);
  }

  #rejectRequests(error: PeerError): void {
    const pending = [...this.#requests.values()];
    this.#requests.clear();
    for (const request of pending) request.reject(error);
  }

  #emitError(error: PeerError): void {
    this.#logger.error(`${error.type}: ${error.message}`);
    this.emit('error', error);
  }

  #assertUsable(): void {
    if (this.destroyed) throw new PeerError('disconnected', 'the peer was destroyed');
  }

  #makeContext(): PeerContext {
    const peer = this;
    return {
      get peerId() {
        return peer.id;
      },
      get rtcConfig() {
        return peer.options.config;
      },
      get maxRoomDataBytes() {
        return peer.#maxRoomDataBytes;
      },
      logger: this.#logger,
      send: (message) => this.#send(message),
      request: <T extends ServerMessage>(message: RequestMessage) => this.#request<T>(message),
      register: (connection) => {
        this.#connections.set(connectionKey(connection.remoteId, connection.connectionId), connection);
      },
      forget: (connection) => {
        const key = connectionKey(connection.remoteId, connection.connectionId);
        if (this.#connections.get(key) === connection) this.#connections.delete(key);
      },
      forgetRoom: (name, room) => {
        if (this.#rooms.get(name) === room) this.#rooms.delete(name);
      },
    };
  }
}
