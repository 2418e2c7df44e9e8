/**
 * Room: the base of MeshRoom and SfuRoom. It owns everything that goes through the
 * signaling server (join, members, data, log, leave) and leaves media to subclasses.
 *
 * How to extend it (SfuRoom does):
 *
 *   export class SfuRoom extends Room {
 *     constructor(context: PeerContext, name: string, options: RoomOptions) {
 *       super(context, name, options, 'sfu');
 *     }
 *     replaceStream(stream: MediaStream): void { ... }          // required
 *     protected override onJoined(members: string[]): void { ... }   // after `room-joined`, before `open` is emitted
 *     protected override onServerMedia(message): void { ... }  // `sfu-signal` / `sfu-streams` for this room
 *     protected override onClosing(): void { ... }              // release peer connections (runs once)
 *   }
 *
 * The Peer constructs the room with (context, name, options), registers it, then
 * calls `join()`, which sends `room-join`. Subclasses announce remote media with
 * `this.emitStream(stream, peerId)`, read `this.sendingStream` (undefined for a
 * receive-only member), and use `this.context` for `send`, `rtcConfig` and `logger`.
 * The base emits open / peerJoin / peerLeave / data / log / close / error and keeps
 * `members` (other members' IDs, in join order).
 */
import { encodeFrame, frameByteLength, type RoomLogEntry, type ServerMessageOf } from '../protocol/index.js';
import type { PeerContext } from './context.js';
import { Emitter } from './emitter.js';
import { PeerError } from './errors.js';
import type { RoomOptions } from './options.js';

export type { RoomLogEntry } from '../protocol/index.js';

/** A remote member's stream, labelled with the member's peer ID. */
export type RoomStream = MediaStream & { peerId: string };

export interface RoomData {
  src: string;
  data: unknown;
}

export type RoomEvents = {
  open: void;
  peerJoin: string;
  peerLeave: string;
  stream: RoomStream;
  data: RoomData;
  log: RoomLogEntry[];
  close: void;
  error: PeerError;
};

/** Server messages a Peer hands to the room they name. */
export type RoomServerMessage = ServerMessageOf<
  'room-joined' | 'room-left' | 'room-peer-join' | 'room-peer-leave' | 'room-data' | 'sfu-signal' | 'sfu-streams' | 'error'
>;

export type SfuServerMessage = ServerMessageOf<'sfu-signal' | 'sfu-streams'>;

/** A peer-to-peer offer whose options name this room (mesh rooms accept them). */
export type RoomSignalMessage = ServerMessageOf<'signal'>;

export abstract class Room extends Emitter<RoomEvents> {
  readonly name: string;
  readonly mode: 'mesh' | 'sfu';
  readonly receiveOnly: boolean;
  readonly metadata: unknown;
  /** true between `open` and `close`. */
  open = false;
  protected readonly context: PeerContext;
  protected localStream: MediaStream | undefined;
  #members: string[] = [];
  #closed = false;
  #queuedSends = 0;
  #sendChain: Promise<void> = Promise.resolve();

  constructor(context: PeerContext, name: string, options: RoomOptions, mode: 'mesh' | 'sfu') {
    super();
    this.context = context;
    this.name = name;
    this.mode = mode;
    this.receiveOnly = options.receiveOnly ?? false;
    this.metadata = options.metadata;
    this.localStream = options.stream;
  }

  /** The other members' peer IDs, in join order. */
  get members(): string[] {
    return [...this.#members];
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What this member sends: nothing when receive-only. */
  protected get sendingStream(): MediaStream | undefined {
    return this.receiveOnly ? undefined : this.localStream;
  }

  /** Sends the local media of this member instead of the current one. */
  abstract replaceStream(stream: MediaStream): void;

  /**
   * Sends `data` to every other member through the server (not over data channels).
   * JSON values, and binary anywhere in them: ArrayBuffers, typed arrays and Blobs
   * (read first) all arrive as Uint8Array. Over 1 MiB is refused with a `room-error`.
   */
  send(data: unknown): void {
    if (this.#closed) {
      this.#deferError(new PeerError('room-error', `room "${this.name}" is closed`));
      return;
    }
    if (!(data instanceof Blob) && this.#queuedSends === 0) {
      this.#sendNow(data);
      return;
    }
    // A Blob must be read first; later sends wait behind it so the order holds.
    this.#queuedSends += 1;
    this.#sendChain = this.#sendChain
      .then(async () => this.#sendNow(data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data))
      .catch((err: unknown) => this.#deferError(new PeerError('room-error', `could not send: ${(err as Error).message}`, { cause: err })))
      .finally(() => {
        this.#queuedSends -= 1;
      });
  }

  /** Leaves the room; the others get `peerLeave`. Emits `close`. */
  close(): void {
    if (this.#closed) return;
    try {
      this.context.send({ type: 'room-leave', room: this.name });
    } catch {
      // Disconnected: the server removes us from the room when it drops the session.
    }
    this.#finalize();
  }

  /** The room's log (joins, leaves, data) as the server keeps it; also emitted as `log`. */
  async getLog(): Promise<RoomLogEntry[]> {
    const reply = await this.context.request<ServerMessageOf<'room-log'>>({ type: 'room-log', room: this.name });
    this.emit('log', reply.log);
    return reply.log;
  }

  /** @internal Called by the Peer right after registering the room. */
  join(): void {
    this.context.send({
      type: 'room-join',
      room: this.name,
      mode: this.mode,
      ...(this.receiveOnly ? { receiveOnly: true } : {}),
      ...(this.metadata !== undefined ? { metadata: this.metadata } : {}),
    });
  }

  /** @internal A server message naming this room. */
  handleServerMessage(message: RoomServerMessage): void {
    if (this.#closed) return;
    switch (message.type) {
      case 'room-joined':
        this.#members = [...message.members];
        this.open = true;
        this.onJoined([...message.members]);
        this.emit('open');
        return;
      case 'room-peer-join':
        if (message.peerId === this.context.peerId) return;
        if (!this.#members.includes(message.peerId)) this.#members.push(message.peerId);
        this.onMemberJoined(message.peerId);
        this.emit('peerJoin', message.peerId);
        return;
      case 'room-peer-leave':
        this.#members = this.#members.filter((id) => id !== message.peerId);
        this.onMemberLeft(message.peerId);
        this.emit('peerLeave', message.peerId);
        return;
      case 'room-data':
        this.emit('data', { src: message.src, data: message.data });
        return;
      case 'room-left':
        this.#finalize();
        return;
      case 'sfu-signal':
      case 'sfu-streams':
        this.onServerMedia(message);
        return;
      case 'error': {
        const error = new PeerError(message.errorType, message.message);
        if (message.peerId !== undefined) {
          // About one member (e.g. it left while we were connecting to it): not the room's failure.
          this.onMemberError(message.peerId, error);
          return;
        }
        this.emit('error', error);
        if (!this.open) this.#finalize(); // the join itself was refused (full room, wrong mode, …)
        return;
      }
    }
  }

  /** @internal A peer-to-peer signal naming this room for a connection the Peer does not know yet. */
  handlePeerSignal(message: RoomSignalMessage): void {
    if (this.#closed) return;
    this.onPeerSignal(message);
  }

  /** @internal The server lost this member's session (e.g. the Peer came back after the grace period). */
  terminate(): void {
    this.#finalize();
  }

  // ------------------------------------------------------------ hooks for subclasses

  /** After `room-joined`; `members` are the members already there (the joiner connects to them in a mesh). */
  protected onJoined(_members: string[]): void {}
  protected onMemberJoined(_peerId: string): void {}
  protected onMemberLeft(_peerId: string): void {}
  protected onMemberError(peerId: string, error: PeerError): void {
    this.context.logger.warn(`room "${this.name}": ${peerId}: ${error.message}`);
  }
  /** `sfu-signal` / `sfu-streams` for this room. */
  protected onServerMedia(_message: SfuServerMessage): void {}
  /** A peer-to-peer offer for this room; rooms that do not take them decline it. */
  protected onPeerSignal(message: RoomSignalMessage): void {
    try {
      this.context.send({ type: 'hangup', dst: message.src, connectionId: message.connectionId, connectionType: message.connectionType });
    } catch {
      // Nothing to decline over; the remote side times out.
    }
  }
  /** Release media and connections; runs once, before `close` is emitted. */
  protected onClosing(): void {}

  /** Announces a member's remote stream with `stream.peerId` set. */
  protected emitStream(stream: MediaStream, peerId: string): void {
    const labelled = Object.assign(stream, { peerId }) as RoomStream;
    this.emit('stream', labelled);
  }

  #sendNow(data: unknown): void {
    if (this.#closed) return;
    // The encoded payload, as the server measures it (MessagePack when binary is inside, else JSON),
    // minus the `{data: …}` wrapper: 9 bytes of JSON, 6 of MessagePack.
    const frame = encodeFrame({ data });
    const bytes = frameByteLength(frame) - (typeof frame === 'string' ? 9 : 6);
    // The server's own limit (it says so when the peer opens): bigger is refused before it leaves.
    const limit = this.context.maxRoomDataBytes;
    if (bytes > limit) {
      this.#deferError(new PeerError('room-error', `room data of ${bytes} bytes exceeds the limit of ${limit} bytes`));
      return;
    }
    try {
      this.context.send({ type: 'room-send', room: this.name, data });
    } catch (err) {
      this.#deferError(err instanceof PeerError ? err : new PeerError('room-error', String(err)));
    }
  }

  /** Errors from a method call surface as events after the call returns, so a listener added just after still gets them. */
  #deferError(error: PeerError): void {
    queueMicrotask(() => this.emit('error', error));
  }

  #finalize(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.open = false;
    this.context.forgetRoom(this.name, this);
    try {
      this.onClosing();
    } finally {
      this.emit('close');
    }
  }
}
