/**
 * The DataConnection's wire format. Every data-channel message is binary:
 *
 *   byte 0      format version (1)
 *   byte 1      payload tag (what the payload is: MessagePack, text, bytes, Blob, a typed array)
 *   bytes 2–5   message ID (u32, per connection)
 *   bytes 6–9   chunk index (u32)
 *   bytes 10–13 chunk count (u32)
 *   rest        payload bytes of this chunk
 *
 * Chunks are at most 64 KiB including the header. SCTP in current browsers takes
 * larger messages (Chromium negotiates 256 KiB), but 64 KiB is under every
 * browser's max-message-size, large enough that the 14-byte header costs nothing,
 * and small enough that one big transfer does not hold a short message back for long.
 * Carrying the index and count in every chunk (not just "first/last" flags) lets an
 * unordered channel reassemble too.
 */
import { decode as decodeMsgpack, encode as encodeMsgpack } from '@msgpack/msgpack';
import { viewArrayBuffers } from '../protocol/index.js';
import type { Serialization } from './options.js';

export const HEADER_BYTES = 14;
export const MAX_CHUNK_BYTES = 64 * 1024;
const VERSION = 1;
/** Partially received messages kept at once; only an unreliable channel that lost a chunk leaves one behind. */
const MAX_PARTIAL_MESSAGES = 32;

const TAG_MSGPACK = 0;
const TAG_TEXT = 1;
const TAG_ARRAY_BUFFER = 2;
const TAG_BLOB = 3;
const TAG_TYPED_BASE = 16;

type ViewConstructor = new (buffer: ArrayBuffer) => ArrayBufferView;
const VIEW_TYPES: ViewConstructor[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
];

export interface EncodedMessage {
  tag: number;
  bytes: Uint8Array;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function viewTag(view: ArrayBufferView): number {
  const exact = VIEW_TYPES.indexOf(view.constructor as ViewConstructor);
  if (exact >= 0) return TAG_TYPED_BASE + exact;
  // Subclasses (Node-style Buffer polyfills) travel as their closest standard type.
  const parent = VIEW_TYPES.findIndex((type) => view instanceof type);
  return TAG_TYPED_BASE + (parent >= 0 ? parent : VIEW_TYPES.indexOf(Uint8Array));
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

async function encodeBlob(blob: Blob, keepType: boolean): Promise<EncodedMessage> {
  const body = new Uint8Array(await blob.arrayBuffer());
  if (!keepType) return { tag: TAG_ARRAY_BUFFER, bytes: body };
  const type = utf8.encode(blob.type);
  const bytes = new Uint8Array(2 + type.byteLength + body.byteLength);
  new DataView(bytes.buffer).setUint16(0, type.byteLength);
  bytes.set(type, 2);
  bytes.set(body, 2 + type.byteLength);
  return { tag: TAG_BLOB, bytes };
}

/**
 * Turns a value into payload bytes for `serialization`. Throws TypeError for values
 * the serialization cannot carry; a Blob needs reading, hence the Promise.
 */
export function encodeValue(value: unknown, serialization: Serialization): EncodedMessage | Promise<EncodedMessage> {
  if (serialization === 'json') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('json serialization: the value has no JSON form');
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value) || value instanceof Blob) {
      throw new TypeError('json serialization cannot carry binary data; use the binary serialization');
    }
    return { tag: TAG_TEXT, bytes: utf8.encode(text) };
  }
  if (typeof Blob !== 'undefined' && value instanceof Blob) return encodeBlob(value, serialization === 'binary');
  if (value instanceof ArrayBuffer) return { tag: TAG_ARRAY_BUFFER, bytes: new Uint8Array(value) };
  if (ArrayBuffer.isView(value)) {
    return { tag: serialization === 'binary' ? viewTag(value) : TAG_ARRAY_BUFFER, bytes: bytesOf(value) };
  }
  if (serialization === 'none') {
    if (typeof value === 'string') return { tag: TAG_TEXT, bytes: utf8.encode(value) };
    throw new TypeError('none serialization sends strings, ArrayBuffers, typed arrays and Blobs only');
  }
  return { tag: TAG_MSGPACK, bytes: encodeMsgpack(viewArrayBuffers(value)) };
}

/** `bytes` must own its buffer from offset 0 (the reassembler guarantees it), so views over it are aligned. */
export function decodeValue(tag: number, bytes: Uint8Array, serialization: Serialization): unknown {
  switch (tag) {
    case TAG_MSGPACK:
      return decodeMsgpack(bytes);
    case TAG_TEXT: {
      const text = utf8Decoder.decode(bytes);
      return serialization === 'json' ? JSON.parse(text) : text;
    }
    case TAG_ARRAY_BUFFER:
      return bytes.buffer;
    case TAG_BLOB: {
      const typeLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(0);
      const type = utf8Decoder.decode(bytes.subarray(2, 2 + typeLength));
      return new Blob([bytes.subarray(2 + typeLength) as Uint8Array<ArrayBuffer>], { type });
    }
    default: {
      const View = VIEW_TYPES[tag - TAG_TYPED_BASE];
      if (!View) throw new Error(`unknown payload tag ${tag}`);
      return new View(bytes.buffer as ArrayBuffer);
    }
  }
}

export function chunkCount(message: EncodedMessage, maxChunkBytes = MAX_CHUNK_BYTES): number {
  return Math.max(1, Math.ceil(message.bytes.byteLength / (maxChunkBytes - HEADER_BYTES)));
}

/** Builds chunk `index` of a message; chunks are made one at a time so a large message is never copied whole. */
export function chunkAt(message: EncodedMessage, id: number, index: number, count: number, maxChunkBytes = MAX_CHUNK_BYTES): Uint8Array<ArrayBuffer> {
  const payloadSize = maxChunkBytes - HEADER_BYTES;
  const payload = message.bytes.subarray(index * payloadSize, (index + 1) * payloadSize);
  const frame = new Uint8Array(HEADER_BYTES + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, message.tag);
  view.setUint32(2, id);
  view.setUint32(6, index);
  view.setUint32(10, count);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

interface PartialMessage {
  tag: number;
  parts: Array<Uint8Array | undefined>;
  received: number;
  bytes: number;
}

/** Collects chunks until a message is complete. */
export class Reassembler {
  #partial = new Map<number, PartialMessage>();

  /** Returns the complete message this chunk finishes, if any. Throws on a malformed chunk. */
  push(frame: Uint8Array): EncodedMessage | undefined {
    if (frame.byteLength < HEADER_BYTES) throw new Error('data chunk shorter than its header');
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    if (view.getUint8(0) !== VERSION) throw new Error(`unknown data format version ${view.getUint8(0)}`);
    const tag = view.getUint8(1);
    const id = view.getUint32(2);
    const index = view.getUint32(6);
    const count = view.getUint32(10);
    if (count === 0 || index >= count) throw new Error('data chunk index out of range');
    const payload = frame.subarray(HEADER_BYTES);
    if (count === 1) return { tag, bytes: payload.slice() };

    let partial = this.#partial.get(id);
    if (!partial) {
      partial = { tag, parts: new Array<Uint8Array | undefined>(count), received: 0, bytes: 0 };
      this.#partial.set(id, partial);
      if (this.#partial.size > MAX_PARTIAL_MESSAGES) this.#partial.delete(this.#partial.keys().next().value as number);
    }
    if (partial.parts.length !== count || partial.parts[index]) throw new Error('inconsistent data chunk');
    partial.parts[index] = payload;
    partial.received += 1;
    partial.bytes += payload.byteLength;
    if (partial.received < count) return undefined;

    this.#partial.delete(id);
    const bytes = new Uint8Array(partial.bytes);
    let offset = 0;
    for (const part of partial.parts) {
      bytes.set(part!, offset);
      offset += part!.byteLength;
    }
    return { tag: partial.tag, bytes };
  }

  clear(): void {
    this.#partial.clear();
  }
}
