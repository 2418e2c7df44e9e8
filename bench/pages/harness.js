// The in-page half of the bench. The same code measures every contender: each
// adapter (adapters/*.js) only maps one library's API onto a small common shape,
//   endpoint = { call(id) → handle, connect(id) → conn, onCall, onConnection, destroy() }
//   handle   = { remoteStream: Promise<MediaStream>, close() }
//   conn     = { opened: Promise<void>, onData(cb), sendAll(messages): Promise<void>, close() }
// and this file owns timing, first-frame detection and hashing.

/** Wall-clock milliseconds with sub-ms resolution, comparable across the two pages. */
const now = () => performance.timeOrigin + performance.now();

// Every library creates its RTCPeerConnection through the global at call time, so a
// subclass installed here sees each one: the phase breakdown of a call comes from these
// marks, the same way for every contender.
const pcLog = [];
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class InstrumentedPC extends NativePC {
  constructor(...args) {
    super(...args);
    const marks = { created: now() };
    // Non-enumerable so the marks object can be returned to puppeteer as plain data.
    Object.defineProperty(marks, 'pc', { value: this });
    pcLog.push(marks);
    this.addEventListener('signalingstatechange', () => {
      if (this.signalingState === 'have-local-offer') marks.localOffer ??= now();
      if (this.signalingState === 'stable' && marks.localOffer) marks.remoteAnswer ??= now();
    });
    this.addEventListener('connectionstatechange', () => {
      if (this.connectionState === 'connected') marks.connected ??= now();
    });
    this.addEventListener('track', () => (marks.track ??= now()));
  }
  addIceCandidate(...args) {
    const marks = pcLog.find((m) => m.pc === this);
    if (marks) marks.remoteCandidate ??= now();
    return super.addIceCandidate(...args);
  }
};
// The first signaling frame after the local offer: when the offer went on the wire.
const nativeSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const pending = pcLog[pcLog.length - 1];
  if (pending?.localOffer && !pending.offerSent) pending.offerSent = now();
  return nativeSend.call(this, data);
};

const endpoints = {};
const state = {};
let localStream;

function stateOf(contender) {
  state[contender] ??= { calls: [], calleeFrames: [], conns: [], incoming: [], videos: [], receiver: undefined };
  return state[contender];
}

/**
 * Resolves with the time the first remote video frame was decoded and shown: the
 * first of requestVideoFrameCallback and `resize` (videoWidth goes from 0 to the
 * frame's width), so audio arriving first cannot count as "a frame".
 */
function firstFrame(stream, videos) {
  return new Promise((resolve) => {
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    videos.push(video);
    document.body.append(video);
    let done = false;
    const finish = () => {
      if (done || video.videoWidth === 0) return;
      done = true;
      resolve(now());
    };
    video.requestVideoFrameCallback?.(() => finish());
    video.addEventListener('resize', finish);
    video.srcObject = stream;
    video.play().catch(() => {});
  });
}

function toBytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`unexpected data type: ${Object.prototype.toString.call(data)}`);
}

async function sha256(chunks, total) {
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  const digest = await crypto.subtle.digest('SHA-256', all);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// One random payload per page, its hash and its message slicings, made once: not timed, not repeated.
let payload;
let payloadHash;
const slicings = new Map();
function messagesOf(size, total) {
  if (!slicings.has(size)) {
    const data = payloadOf(total);
    const messages = [];
    for (let i = 0; i < total; i += size) messages.push(data.slice(i, Math.min(total, i + size)).buffer);
    slicings.set(size, messages);
  }
  return slicings.get(size);
}
function payloadOf(total) {
  if (payload?.byteLength === total) return payload;
  payloadHash = undefined;
  slicings.clear();
  payload = new Uint8Array(total);
  for (let i = 0; i < total; i += 65536) crypto.getRandomValues(payload.subarray(i, Math.min(total, i + 65536)));
  return payload;
}

window.bench = {
  async init(contender, options) {
    const s = stateOf(contender);
    const { createEndpoint } = await import(`./adapters/${contender}.js`);
    const endpoint = await createEndpoint({ ...options, stream: localStream });
    endpoint.onCall = (handle) => {
      s.calls.push(handle);
      handle.remoteStream.then((stream) => firstFrame(stream, s.videos)).then((t) => s.calleeFrames.push(t));
    };
    endpoint.onConnection = (conn) => {
      s.conns.push(conn);
      s.incoming.push(conn);
    };
    endpoints[contender] = endpoint;
    return true;
  },

  /** Caller: call() → first decoded remote frame here. The callee records its own. */
  async callRun(contender, remoteId) {
    const s = stateOf(contender);
    const t0 = now();
    const handle = endpoints[contender].call(remoteId);
    const returned = now();
    s.calls.push(handle);
    const stream = await handle.remoteStream;
    const t1 = await firstFrame(stream, s.videos);
    const marks = { ...(pcLog.find((m) => m.created >= t0) ?? {}), returned };
    return { t0, t1, marks };
  },

  calleeFrameCount: (contender) => stateOf(contender).calleeFrames.length,
  calleeFrame: (contender, i) => stateOf(contender).calleeFrames[i],

  /** Caller: connect() → the data connection's `open` here. */
  async connectRun(contender, remoteId) {
    const s = stateOf(contender);
    const t0 = now();
    const conn = endpoints[contender].connect(remoteId);
    const returned = now();
    s.conns.push(conn);
    await conn.opened;
    const t1 = now();
    const marks = { ...(pcLog.find((m) => m.created >= t0) ?? {}), returned };
    return { t0, t1, marks };
  },

  incomingCount: (contender) => stateOf(contender).incoming.length,

  /** Receiver: counts bytes on the newest incoming connection; hashes once `total` arrived. */
  armReceiver(contender, total) {
    const s = stateOf(contender);
    const conn = s.incoming[s.incoming.length - 1];
    const chunks = [];
    let bytes = 0;
    s.receiver = { done: false };
    const receiver = s.receiver;
    conn.onData((data) => {
      const b = toBytes(data);
      chunks.push(b);
      bytes += b.byteLength;
      if (bytes >= total && receiver.t1 === undefined) {
        receiver.t1 = now();
        sha256(chunks, bytes).then((hash) => Object.assign(receiver, { hash, bytes, done: true }));
      }
    });
    return true;
  },

  receiverResult: (contender) => (stateOf(contender).receiver?.done ? stateOf(contender).receiver : null),

  /** Sender: sends `total` bytes in `size`-byte messages on the prepared connection. */
  async throughputGo(contender, size, total) {
    const messages = messagesOf(size, total);
    const conn = window.__throughputConn;
    const t0 = now();
    await conn.sendAll(messages);
    return { t0, tQueued: now() };
  },

  /** Sender: opens the connection (untimed) so the receiver can be armed before the first byte. */
  async prepareThroughput(contender, remoteId, total) {
    const s = stateOf(contender);
    payloadOf(total);
    payloadHash ??= await sha256([payload], total);
    const hash = payloadHash;
    const conn = endpoints[contender].connect(remoteId);
    s.conns.push(conn);
    await conn.opened;
    window.__throughputConn = conn;
    return hash;
  },

  /** Ends every call and connection of a contender and drops the video elements. */
  closeAll(contender) {
    const s = stateOf(contender);
    for (const h of s.calls.splice(0)) {
      try {
        h.close();
      } catch {}
    }
    for (const c of s.conns.splice(0)) {
      try {
        c.close();
      } catch {}
    }
    s.incoming.splice(0);
    for (const v of s.videos.splice(0)) {
      v.srcObject = null;
      v.remove();
    }
    return true;
  },

  destroy(contender) {
    endpoints[contender]?.destroy();
    delete endpoints[contender];
    return true;
  },
};

localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
window.benchReady = true;
