import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { nanoid } from 'nanoid';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CLOSE_CODES,
  SIGNALING_PARAMS,
  decodeFrame,
  encodeFrame,
  isValidPeerId,
  parseClientMessage,
  type ClientMessage,
  type ClientMessageOf,
  type ErrorType,
  type ServerMessage,
} from '../protocol/index.js';
import type { ServerOptions } from './config.js';
import type { ApiKeys } from './keys.js';
import { Registry, type Namespace } from './registry.js';
import type { Room } from './rooms.js';
import { PeerSession } from './session.js';
import { sfuRoomKey, type SfuPort } from './sfu-port.js';

export const SIGNALING_PATH = '/signaling';

/** Room data frames carry the room name and envelope besides the payload; this much slack is allowed on top of maxRoomDataBytes. */
const ENVELOPE_SLACK = 1024;
/** Every message but room data is small (SDP is the largest); anything bigger is refused before parsing. */
const MAX_CONTROL_FRAME = 300 * 1024;

type ErrorDetails = Partial<Pick<Extract<ServerMessage, { type: 'error' }>, 'requestId' | 'peerId' | 'room' | 'connectionId'>>;

/**
 * The WebSocket signaling service: admits peers (key, origin, ID), validates every
 * frame, relays negotiation with the sender stamped as `src`, and runs rooms.
 */
export class SignalingService {
  readonly wss: WebSocketServer;
  readonly registry: Registry;
  #heartbeat: NodeJS.Timeout;
  #sfu: Promise<SfuPort> | undefined;

  constructor(
    private readonly options: ServerOptions,
    private readonly keys: ApiKeys,
    private readonly loadSfu: () => Promise<SfuPort>,
  ) {
    this.registry = new Registry(options.roomLogSize);
    this.wss = new WebSocketServer({
      noServer: true,
      // A hard ceiling: ws closes the socket (1009) above it. Softer, typed limits apply below it.
      maxPayload: Math.max(options.maxRoomDataBytes + ENVELOPE_SLACK, MAX_CONTROL_FRAME) * 2,
      perMessageDeflate: false,
    });
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.#admit(ws, req));
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    this.#heartbeat.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const ns of this.registry.namespaces()) {
      for (const session of ns.peers.values()) {
        clearTimeout(session.graceTimer);
        session.socket?.terminate();
      }
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.#sfu) await (await this.#sfu).close();
  }

  /** Test and operator view of one key: who is connected and which rooms exist. */
  inspect(key: string) {
    const ns = this.registry.peek(key);
    return {
      peers: ns ? [...ns.peers.keys()] : [],
      rooms: ns
        ? [...ns.rooms.values()].map((r) => ({ name: r.name, mode: r.mode, members: [...r.members.keys()] }))
        : [],
    };
  }

  async sfuCounters(): Promise<Record<string, number>> {
    return this.#sfu ? (await this.#sfu).counters() : {};
  }

  /** Ends a peer's socket without a close frame, exactly as a network failure would. */
  dropPeer(key: string, peerId: string): boolean {
    const session = this.registry.peek(key)?.peers.get(peerId);
    if (!session?.socket) return false;
    session.socket.terminate();
    return true;
  }

  // ------------------------------------------------------------ admission

  #admit(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = url.searchParams.get(SIGNALING_PARAMS.key);
    const requestedId = url.searchParams.get(SIGNALING_PARAMS.id);
    const token = url.searchParams.get(SIGNALING_PARAMS.token);

    const verdict = this.keys.check(key, req.headers.origin);
    if (!verdict.ok) return this.#refuse(ws, verdict.type, verdict.message);
    const ns = this.registry.namespace(key!);

    let session: PeerSession;
    if (requestedId) {
      if (!isValidPeerId(requestedId)) {
        this.registry.forgetIfEmpty(ns);
        return this.#refuse(ws, 'invalid-id', `"${requestedId}" is not a valid peer ID: use 1–64 letters, digits, - or _`);
      }
      const existing = ns.peers.get(requestedId);
      if (existing) {
        if (!token || token !== existing.token) {
          return this.#refuse(ws, 'unavailable-id', `peer ID "${requestedId}" is already in use`);
        }
        // The owner is back (possibly before we noticed its old socket died): move the session over.
        const stale = existing.socket;
        existing.attach(ws);
        stale?.close(CLOSE_CODES.replaced, 'replaced by a newer connection');
        session = existing;
      } else {
        session = this.#register(ns, requestedId, ws);
      }
    } else {
      let id = nanoid();
      while (ns.peers.has(id)) id = nanoid();
      session = this.#register(ns, id, ws);
    }

    ws.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(session, ws, data, isBinary));
    ws.on('pong', () => {
      if (session.socket === ws) session.alive = true;
    });
    ws.on('close', (code: number) => this.#onSocketClose(session, ws, code));
    ws.on('error', () => {
      /* 'close' follows and does the cleanup; without a listener ws would throw. */
    });

    session.send({
      type: 'open',
      peerId: session.id,
      sessionToken: session.token,
      limits: { maxRoomDataBytes: this.options.maxRoomDataBytes },
    });
    session.flushQueue();
    this.#log(`open ${ns.key}/${session.id}`);
  }

  #register(ns: Namespace, id: string, ws: WebSocket): PeerSession {
    const session = new PeerSession(ns.key, id, randomBytes(18).toString('base64url'), ws, {
      maxQueued: this.options.maxQueuedWhileDropped,
      ratePerSecond: this.options.rateLimitPerSecond,
      burst: this.options.rateLimitBurst,
    });
    ns.peers.set(id, session);
    return session;
  }

  #refuse(ws: WebSocket, type: ErrorType, message: string): void {
    this.#log(`refused: ${type}: ${message}`);
    ws.send(encodeFrame({ type: 'error', errorType: type, message } satisfies ServerMessage));
    ws.close(CLOSE_CODES.refused, type);
  }

  #onSocketClose(session: PeerSession, ws: WebSocket, code: number): void {
    if (session.socket !== ws) return; // replaced by a reconnect
    const ns = this.registry.peek(session.key);
    if (!ns) return;
    if (code === CLOSE_CODES.clientClose || code === 1001) {
      // The client said goodbye (destroy, disconnect, page unload): free the ID at once.
      this.#remove(ns, session);
      return;
    }
    session.detach();
    this.#log(`dropped ${ns.key}/${session.id} (code ${code}); holding for ${this.options.graceMs} ms`);
    session.graceTimer = setTimeout(() => this.#remove(ns, session), this.options.graceMs);
    session.graceTimer.unref();
  }

  #remove(ns: Namespace, session: PeerSession): void {
    clearTimeout(session.graceTimer);
    if (ns.peers.get(session.id) !== session) return;
    for (const roomName of [...session.rooms]) {
      const room = ns.rooms.get(roomName);
      if (room) this.#leaveRoom(ns, session, room);
    }
    ns.peers.delete(session.id);
    this.registry.forgetIfEmpty(ns);
    this.#log(`closed ${ns.key}/${session.id}`);
  }

  #beat(): void {
    for (const ns of this.registry.namespaces()) {
      for (const session of ns.peers.values()) {
        const ws = session.socket;
        if (!ws) continue;
        if (!session.alive) {
          ws.terminate();
          continue;
        }
        session.alive = false;
        ws.ping();
      }
    }
  }

  // ------------------------------------------------------------ messages

  #onFrame(session: PeerSession, ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (session.socket !== ws) return;
    const ns = this.registry.peek(session.key);
    if (!ns) return;
    if (!session.takeRateToken()) {
      return this.#error(session, 'invalid-message', `rate limit exceeded (${this.options.rateLimitPerSecond} messages/s)`);
    }
    // ws hands over a Buffer for ordinary frames: use it as is (Buffer.from would copy every frame).
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    let raw: unknown;
    try {
      raw = decodeFrame(isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString('utf8'));
    } catch (err) {
      return this.#error(session, 'invalid-message', (err as Error).message);
    }
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.#error(session, 'invalid-message', `invalid message: ${parsed.reason}`);
    const message = parsed.message;

    const isRoomData = message.type === 'room-send';
    if (!isRoomData && bytes.byteLength > MAX_CONTROL_FRAME) {
      return this.#error(session, 'invalid-message', `${message.type} message of ${bytes.byteLength} bytes exceeds ${MAX_CONTROL_FRAME}`);
    }
    try {
      this.#dispatch(ns, session, message, bytes.byteLength);
    } catch (err) {
      // A bug in one handler must not take the whole server down with it.
      console.error('ecl-webrtc: handler failed', err);
      this.#error(session, 'server-error', 'the server failed to handle this message');
    }
  }

  #dispatch(ns: Namespace, session: PeerSession, message: ClientMessage, frameBytes: number): void {
    switch (message.type) {
      case 'signal':
        return this.#relaySignal(ns, session, message);
      case 'hangup': {
        // The other side may already be gone; a hang-up to nobody needs no answer.
        ns.peers.get(message.dst)?.send({
          type: 'hangup',
          src: session.id,
          connectionId: message.connectionId,
          connectionType: message.connectionType,
        });
        return;
      }
      case 'list-peers':
        return session.send({ type: 'peers', requestId: message.requestId, peers: [...ns.peers.keys()] });
      case 'peer-exists':
        return session.send({
          type: 'peer-exists',
          requestId: message.requestId,
          peerId: message.peerId,
          exists: ns.peers.has(message.peerId),
        });
      case 'room-join':
        return this.#joinRoom(ns, session, message);
      case 'room-leave': {
        const room = this.#memberRoom(ns, session, message.room);
        if (room) this.#leaveRoom(ns, session, room);
        return;
      }
      case 'room-send':
        return this.#roomSend(ns, session, message, frameBytes);
      case 'room-log': {
        const room = this.#memberRoom(ns, session, message.room, message.requestId);
        if (room) session.send({ type: 'room-log', requestId: message.requestId, room: room.name, log: room.log() });
        return;
      }
      case 'sfu-signal': {
        const room = this.#memberRoom(ns, session, message.room);
        if (!room) return;
        if (room.mode !== 'sfu') return this.#error(session, 'room-error', `room "${room.name}" is not an SFU room`, { room: room.name });
        void this.#sfuPort().then((sfu) => sfu.signal(sfuRoomKey(ns.key, room.name), session.id, message.signal));
        return;
      }
    }
  }

  #relaySignal(ns: Namespace, session: PeerSession, message: ClientMessageOf<'signal'>): void {
    const target = ns.peers.get(message.dst);
    if (!target) {
      return this.#error(session, 'peer-unavailable', `peer "${message.dst}" is not connected`, {
        peerId: message.dst,
        connectionId: message.connectionId,
      });
    }
    const roomName = message.options?.room;
    if (roomName !== undefined) {
      // A room connection is only allowed between two members of that mesh room.
      const room = ns.rooms.get(roomName);
      if (!room || room.mode !== 'mesh' || !room.members.has(session.id) || !room.members.has(target.id)) {
        return this.#error(session, 'room-error', `"${message.dst}" and you are not both members of mesh room "${roomName}"`, {
          room: roomName,
          peerId: message.dst,
        });
      }
    }
    target.send({
      type: 'signal',
      src: session.id,
      connectionId: message.connectionId,
      connectionType: message.connectionType,
      signal: message.signal,
      ...(message.options ? { options: message.options } : {}),
    });
  }

  #joinRoom(ns: Namespace, session: PeerSession, message: ClientMessageOf<'room-join'>): void {
    const existing = ns.rooms.get(message.room);
    if (existing?.members.has(session.id)) {
      return this.#error(session, 'room-error', `already a member of room "${message.room}"`, { room: message.room });
    }
    if (existing && existing.mode !== message.mode) {
      return this.#error(session, 'room-error', `room "${message.room}" is a ${existing.mode} room, not ${message.mode}`, {
        room: message.room,
      });
    }
    const limit = message.mode === 'sfu' ? this.options.maxSfuMembers : this.options.maxMeshMembers;
    if (existing && existing.members.size >= limit) {
      return this.#error(session, 'room-error', `room "${message.room}" is full (${limit} members)`, { room: message.room });
    }
    const room = this.registry.openRoom(ns, message.room, message.mode);
    const others = [...room.members.keys()];
    room.add(session.id, { receiveOnly: message.receiveOnly ?? false, metadata: message.metadata });
    session.rooms.add(room.name);

    session.send({ type: 'room-joined', room: room.name, mode: room.mode, members: others });
    this.#broadcast(ns, room, { type: 'room-peer-join', room: room.name, peerId: session.id }, session.id);

    if (room.mode === 'sfu') {
      const roomKey = sfuRoomKey(ns.key, room.name);
      void this.#sfuPort().then((sfu) => {
        // The member may have left while werift was loading.
        if (!room.members.has(session.id)) return;
        sfu.join(roomKey, session.id, { receiveOnly: message.receiveOnly ?? false }, {
          sendSignal: (signal) => session.send({ type: 'sfu-signal', room: room.name, signal }),
          sendStreams: (streams) => session.send({ type: 'sfu-streams', room: room.name, streams }),
        });
      });
    }
  }

  #leaveRoom(ns: Namespace, session: PeerSession, room: Room): void {
    if (!room.remove(session.id)) return;
    session.rooms.delete(room.name);
    if (room.mode === 'sfu') {
      const roomKey = sfuRoomKey(ns.key, room.name);
      void this.#sfuPort().then((sfu) => sfu.leave(roomKey, session.id));
    }
    if (session.connected) session.send({ type: 'room-left', room: room.name });
    this.#broadcast(ns, room, { type: 'room-peer-leave', room: room.name, peerId: session.id }, session.id);
    this.registry.closeRoomIfEmpty(ns, room);
  }

  #roomSend(ns: Namespace, session: PeerSession, message: ClientMessageOf<'room-send'>, frameBytes: number): void {
    const room = this.#memberRoom(ns, session, message.room);
    if (!room) return;
    if (frameBytes > this.options.maxRoomDataBytes + ENVELOPE_SLACK) {
      return this.#error(
        session,
        'room-error',
        `room data of ${frameBytes} bytes exceeds the limit of ${this.options.maxRoomDataBytes} bytes`,
        { room: room.name },
      );
    }
    room.recordData(session.id, message.data, frameBytes);
    this.#broadcast(ns, room, { type: 'room-data', room: room.name, src: session.id, data: message.data }, session.id);
  }

  #memberRoom(ns: Namespace, session: PeerSession, name: string, requestId?: number): Room | undefined {
    const room = ns.rooms.get(name);
    if (room?.members.has(session.id)) return room;
    this.#error(session, 'room-error', `not a member of room "${name}"`, { room: name, ...(requestId !== undefined ? { requestId } : {}) });
    return undefined;
  }

  #broadcast(ns: Namespace, room: Room, message: ServerMessage, except: string): void {
    const frame = encodeFrame(message);
    for (const memberId of room.members.keys()) {
      if (memberId !== except) ns.peers.get(memberId)?.sendFrame(frame);
    }
  }

  #sfuPort(): Promise<SfuPort> {
    this.#sfu ??= this.loadSfu();
    return this.#sfu;
  }

  #error(session: PeerSession, errorType: ErrorType, message: string, details: ErrorDetails = {}): void {
    session.send({ type: 'error', errorType, message, ...details });
  }

  #log(line: string): void {
    if (this.options.verbose) console.log(`[signaling] ${line}`);
  }
}
