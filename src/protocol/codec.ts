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

export function encodeFrame(message: object): Frame {
  return containsBinary(message) ? encode(message) : JSON.stringify(message);
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
