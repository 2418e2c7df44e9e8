/**
 * Frames on the signaling socket: JSON text for ordinary messages, MessagePack
 * binary when a message carries binary data (room data with an ArrayBuffer or a
 * typed array), so binary never goes through base64.
 */
import { decode, encode } from '@msgpack/msgpack';

export type Frame = string | Uint8Array;

function containsBinary(value: unknown, depth = 0): boolean {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (containsBinary(item, depth + 1)) return true;
  }
  return false;
}

/**
 * @msgpack/msgpack encodes typed arrays as `bin` but a bare ArrayBuffer as an empty
 * map, so every ArrayBuffer inside a value is swapped for a Uint8Array view of it
 * (no copy of the bytes). Values without one are returned as they are.
 */
export function viewArrayBuffers(value: unknown, depth = 0): unknown {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (depth > 32 || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const mapped = viewArrayBuffers(item, depth + 1);
      if (mapped !== item) (copy ??= [...value])[i] = mapped;
    });
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const mapped = viewArrayBuffers(item, depth + 1);
    if (mapped !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = mapped;
  }
  return copy ?? value;
}

export function encodeFrame(message: object): Frame {
  return containsBinary(message) ? encode(viewArrayBuffers(message)) : JSON.stringify(message);
}

export function frameByteLength(frame: Frame): number {
  return typeof frame === 'string' ? new TextEncoder().encode(frame).byteLength : frame.byteLength;
}

/** Throws a plain Error with a readable reason when the frame is neither valid JSON nor valid MessagePack. */
export function decodeFrame(frame: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof frame === 'string') {
    try {
      return JSON.parse(frame);
    } catch {
      throw new Error('frame is not valid JSON');
    }
  }
  try {
    return decode(frame instanceof ArrayBuffer ? new Uint8Array(frame) : frame);
  } catch {
    throw new Error('binary frame is not valid MessagePack');
  }
}
