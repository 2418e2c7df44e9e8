import { compact } from './compact.js';
import { Connection, type ConnectionInit } from './connection.js';
import type { PeerContext } from './context.js';
import {
  HEADER_BYTES,
  MAX_CHUNK_BYTES,
  Reassembler,
  chunkAt,
  chunkCount,
  decodeValue,
  encodeValue,
  type EncodedMessage,
} from './data-framing.js';
import { PeerError } from './errors.js';
import type { Serialization } from './options.js';
import { dataChannelOf, peerConnectionOf, type SimplePeerInstance } from './simple-peer-loader.js';

export type DataConnectionEvents = {
  open: void;
  /** A received message, decoded per `serialization` (see DataConnection). */
  data: unknown;
  close: void;
  error: PeerError;
};

/**
 * Flow control: chunks go to the channel until it buffers HIGH_WATER bytes, then
 * wait for `bufferedamountlow` at LOW_WATER. Chromium fails `send()` (and closes the
 * channel) past 16 MiB buffered; 4 MiB keeps well clear of that while leaving
 * enough in flight to fill a fast link.
 */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

interface Outgoing {
  id: number;
  message: EncodedMessage | Promise<EncodedMessage>;
  reading: boolean;
  next: number;
  /** Fixed when the first chunk goes out (the channel's max message size is known by then). */
  count: number;
  chunkBytes: number;
}

/**
 * A data channel to one peer (ECLWebRTC's DataConnection). Messages of any size are
 * chunked (see data-framing.ts) and reassembled; `send` never blocks or throws for
 * size: what the channel cannot take yet waits in a queue (`bufferSize`).
 *
 * What arrives, by serialization:
 * - `binary` (default): structured values via MessagePack (nested binary arrives as
 *   Uint8Array); a top-level ArrayBuffer as ArrayBuffer; a typed array or DataView as
 *   the same type; a Blob as a Blob with the same bytes and `type`.
 * - `json`: JSON values (binary data is refused by `send`).
 * - `none`: strings as strings; ArrayBuffer, typed arrays and Blob as ArrayBuffer.
 */
export class DataConnection extends Connection<DataConnectionEvents> {
  readonly type = 'data' as const;
  readonly label: string;
  readonly serialization: Serialization;
  readonly reliable: boolean;
  #channel: RTCDataChannel | null = null;
  #outbox: Outgoing[] = [];
  #queuedBytes = 0;
  #nextMessageId = 0;
  #reassembler = new Reassembler();
  /** Messages that arrived before simple-peer declared the connection up; delivered right after `open`. */
  #early: unknown[] = [];

  /** @internal Created by `Peer.connect()` or by the Peer for an incoming connection. */
  constructor(context: PeerContext, init: ConnectionInit) {
    const options = compact({
      ...init.options,
      serialization: init.options.serialization ?? 'binary',
      reliable: init.options.reliable ?? true,
    });
    super(context, { ...init, options }, 'dc_');
    this.serialization = options.serialization!;
    this.reliable = options.reliable!;
    this.label = options.label ?? this.connectionId;
    void this.startSimplePeer(() => ({
      initiator: this.initiator,
      channelName: this.label,
      channelConfig: this.reliable ? {} : { ordered: false, maxRetransmits: 0 },
    }));
  }

  /** Bytes accepted by `send` but not yet handed to the network (queued here plus buffered in the channel). */
  get bufferSize(): number {
    return this.#queuedBytes + (this.#channel?.bufferedAmount ?? 0);
  }

  /**
   * Queues `data` for the remote side; sending starts at `open` and keeps to the
   * channel's pace. Throws TypeError for a value the serialization cannot carry.
   */
  send(data: unknown): void {
    if (this.closed) throw new PeerError('webrtc', `data connection ${this.connectionId} is closed`);
    const message = encodeValue(data, this.serialization);
    const entry: Outgoing = { id: this.#nextMessageId, message, reading: false, next: 0, count: 0, chunkBytes: 0 };
    this.#nextMessageId = (this.#nextMessageId + 1) >>> 0;
    if (!(message instanceof Promise)) this.#sized(entry, message);
    this.#outbox.push(entry);
    this.#pump();
  }

  protected override onSimplePeer(sp: SimplePeerInstance): void {
    sp.on('data', (chunk: Uint8Array | string) => this.#receive(chunk));
  }

  protected override onConnect(sp: SimplePeerInstance): void {
    const channel = dataChannelOf(sp);
    if (!channel) return;
    this.#channel = channel;
    channel.bufferedAmountLowThreshold = LOW_WATER;
    channel.addEventListener('bufferedamountlow', () => this.#pump());
    this.emit('open');
    for (const value of this.#early.splice(0)) {
      if (this.closed) break;
      this.emit('data', value);
    }
    this.#pump();
  }

  protected override onClose(): void {
    this.#outbox = [];
    this.#queuedBytes = 0;
    this.#early = [];
    this.#reassembler.clear();
    this.#channel = null;
  }

  #sized(entry: Outgoing, message: EncodedMessage): void {
    entry.message = message;
    this.#queuedBytes += message.bytes.byteLength;
  }

  #chunkBytes(): number {
    const pc = this.sp ? peerConnectionOf(this.sp) : null;
    const limit = pc?.sctp?.maxMessageSize;
    return limit && limit > 1024 ? Math.min(MAX_CHUNK_BYTES, limit) : MAX_CHUNK_BYTES;
  }

  /** Moves chunks from the queue to the channel while it has room; re-entered on `bufferedamountlow`. */
  #pump(): void {
    const channel = this.#channel;
    if (!channel || this.closed) return;
    while (this.#outbox.length) {
      const head = this.#outbox[0]!;
      if (head.message instanceof Promise) {
        if (!head.reading) {
          head.reading = true;
          head.message.then(
            (message) => {
              this.#sized(head, message);
              this.#pump();
            },
            (err: unknown) => {
              this.#outbox.splice(this.#outbox.indexOf(head), 1);
              this.emit('error', new PeerError('webrtc', `could not read the Blob to send: ${(err as Error).message}`, { cause: err }));
              this.#pump();
            },
          );
        }
        return;
      }
      const message = head.message;
      if (head.next === 0) {
        head.chunkBytes = this.#chunkBytes();
        head.count = chunkCount(message, head.chunkBytes);
      }
      while (head.next < head.count) {
        if (channel.readyState !== 'open') return;
        if (channel.bufferedAmount > HIGH_WATER) return;
        const chunk = chunkAt(message, head.id, head.next, head.count, head.chunkBytes);
        try {
          channel.send(chunk);
        } catch (err) {
          this.fail(new PeerError('webrtc', `data channel send failed: ${(err as Error).message}`, { cause: err }));
          return;
        }
        head.next += 1;
        this.#queuedBytes -= chunk.byteLength - HEADER_BYTES;
      }
      this.#outbox.shift();
    }
  }

  #receive(chunk: Uint8Array | string): void {
    if (this.closed) return;
    if (typeof chunk === 'string') {
      this.context.logger.warn(`data connection ${this.connectionId}: ignoring a text frame (not from an ecl-webrtc peer)`);
      return;
    }
    let value: unknown;
    try {
      const message = this.#reassembler.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (!message) return;
      value = decodeValue(message.tag, message.bytes, this.serialization);
    } catch (err) {
      this.emit('error', new PeerError('webrtc', `undecodable data message: ${(err as Error).message}`, { cause: err }));
      return;
    }
    if (this.open) this.emit('data', value);
    else this.#early.push(value);
  }
}
