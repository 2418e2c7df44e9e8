// Ours, through the public bundle only (/dist/ecl-webrtc.js, as a page would load it).

function mediaHandle(mc) {
  const remoteStream = new Promise((resolve) => mc.once('stream', resolve));
  return { remoteStream, close: () => mc.close() };
}

function dataConn(dc) {
  let onData = () => {};
  dc.on('data', (d) => onData(d));
  return {
    opened: new Promise((resolve) => (dc.open ? resolve() : dc.once('open', resolve))),
    onData: (cb) => (onData = cb),
    // The SDK queues with a low-water mark on bufferedAmount itself.
    async sendAll(messages) {
      for (const m of messages) dc.send(m);
    },
    close: () => dc.close(),
  };
}

export async function createEndpoint({ signaling, id, stream }) {
  const { Peer } = await import('/dist/ecl-webrtc.js');
  const peer = new Peer(id, { key: 'demo', server: signaling, config: { iceServers: [] } });
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
  peer.on('error', (e) => console.warn(`ours error: ${e.type} ${e.message}`));
  return endpoint;
}
