import type SimplePeer from 'simple-peer';

export type SimplePeerInstance = SimplePeer.Instance;
export type SimplePeerOptions = SimplePeer.Options;
export type SimplePeerClass = SimplePeer.SimplePeer;

let loading: Promise<SimplePeerClass> | undefined;

/**
 * simple-peer's browser build, loaded on first use so that defining the elements
 * stays cheap and a bundler can put it in its own chunk. The min.js is used rather
 * than the package entry because the entry needs Node polyfills in the page.
 */
export function loadSimplePeer(): Promise<SimplePeerClass> {
  loading ??= import('simple-peer/simplepeer.min.js').then((mod) => {
    const cls = mod.default ?? (globalThis as { SimplePeer?: SimplePeerClass }).SimplePeer;
    if (!cls) throw new Error('simple-peer did not load');
    return cls;
  });
  loading.catch(() => {
    loading = undefined; // let a later connection retry (e.g. after a network hiccup loading the chunk)
  });
  return loading;
}

/** simple-peer 9.11 keeps these private; the SDK needs them for stats, tracks and data-channel flow control. */
interface Internals {
  _pc: RTCPeerConnection | null;
  _channel: RTCDataChannel | null;
}

export function peerConnectionOf(sp: SimplePeerInstance): RTCPeerConnection | null {
  return (sp as unknown as Internals)._pc ?? null;
}

export function dataChannelOf(sp: SimplePeerInstance): RTCDataChannel | null {
  return (sp as unknown as Internals)._channel ?? null;
}
