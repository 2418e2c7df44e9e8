/** Shared helpers of the SDK browser tests: peers that are cleaned up after each test, media, digests. */
import { Peer, type PeerOptions } from '../../src/sdk/index.js';
import type { Emitter } from '../../src/sdk/index.js';

const created: Peer[] = [];
const streams: MediaStream[] = [];
const timers: Array<ReturnType<typeof setInterval>> = [];

afterEach(() => {
  for (const peer of created.splice(0)) peer.destroy();
  for (const stream of streams.splice(0)) for (const track of stream.getTracks()) track.stop();
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const video of document.querySelectorAll('video')) video.remove();
});

let counter = 0;
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A Peer that is destroyed after the test. */
export function peer(id?: string, options: Partial<PeerOptions> = {}): Peer {
  const p = new Peer(id, { key: 'demo', ...options });
  created.push(p);
  return p;
}

/** Resolves with the next payload of `event`; rejects on the emitter's `error` first, unless `event` is 'error'. */
export function next<T = unknown>(emitter: Emitter<any>, event: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onEvent = (payload: T) => {
      emitter.off(event, onEvent);
      if (event !== 'error') emitter.off('error', onError);
      resolve(payload);
    };
    const onError = (error: Error) => {
      emitter.off(event, onEvent);
      emitter.off('error', onError);
      reject(error);
    };
    emitter.on(event, onEvent);
    if (event !== 'error') emitter.on('error', onError);
  });
}

/** A Peer that has opened (its ID is assigned). */
export async function openPeer(id?: string, options: Partial<PeerOptions> = {}): Promise<Peer> {
  const p = peer(id, options);
  await next(p, 'open');
  return p;
}

/** The fake camera (640x480) and microphone, stopped after the test. */
export async function camera(constraints: MediaStreamConstraints = { video: true, audio: true }): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  streams.push(stream);
  return stream;
}

/** A video-only stream of a canvas of the given size that keeps painting (so frames keep coming). */
export function canvasStream(width: number, height: number): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  const paint = () => {
    frame += 1;
    ctx.fillStyle = `hsl(${(frame * 7) % 360} 80% 50%)`;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.fillText(String(frame), 10, 20);
  };
  paint();
  timers.push(setInterval(paint, 40));
  const stream = canvas.captureStream(25);
  streams.push(stream);
  return stream;
}

export async function sha256(data: ArrayBuffer | Blob): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deterministic pseudo-random bytes (crypto.getRandomValues caps at 64 KiB per call). */
export function randomBytes(size: number, seed = 1): ArrayBuffer {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes.buffer;
}
