// PeerJS 1.5.5 (its own browser build, dist/peerjs.min.js) against peer@1.0.2.

let loaded;
function loadPeerJs() {
  loaded ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/peerjs/peerjs.min.js';
    script.onload = () => resolve(window.peerjs.Peer);
    script.onerror = () => reject(new Error('peerjs.min.js failed to load'));
    document.head.append(script);
  });
  return loaded;
}

function mediaHandle(mc) {
  // PeerJS emits `stream` once per remote track; the first is the one that matters.
  const remoteStream = new Promise((resolve) => mc.once('stream', resolve));
  return { remoteStream, close: () => mc.close() };
}

function dataConn(dc) {
  let onData = () => {};
  dc.on('data', (d) => onData(d));
  return {
    opened: new Promise((resolve) => (dc.open ? resolve() : dc.once('open', resolve))),
    onData: (cb) => (onData = cb),
    // PeerJS queues on its own when the channel's buffer is full.
    async sendAll(messages) {
      for (const m of messages) dc.send(m);
    },
    close: () => dc.close(),
  };
}

export async function createEndpoint({ signaling, id, stream }) {
  const Peer = await loadPeerJs();
  const url = new URL(signaling.replace(/^ws/, 'http'));
  const peer = new Peer(id, {
    host: url.hostname,
    port: Number(url.port),
    path: '/',
    key: 'peerjs',
    secure: false,
    debug: 0,
    config: { iceServers: [] },
  });
  await new Promise((resolve, reject) => {
    peer.once('open', resolve);
    peer.once('error', reject);
  });
  const endpoint = {
    onCall: () => {},
    onConnection: () => {},
    call: (remoteId) => mediaHandle(peer.call(remoteId, stream)),
    connect: (remoteId) => dataConn(peer.connect(remoteId, { serialization: 'binary', reliable: true })),
    destroy: () => peer.destroy(),
  };
  peer.on('call', (mc) => {
    const handle = mediaHandle(mc);
    mc.answer(stream);
    endpoint.onCall(handle);
  });
  peer.on('connection', (dc) => endpoint.onConnection(dataConn(dc)));
  peer.on('error', (e) => console.warn(`peerjs error: ${e.type} ${e.message}`));
  return endpoint;
}
