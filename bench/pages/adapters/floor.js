// The floor: RTCPeerConnection and RTCDataChannel used directly, trickle ICE over
// the plain ws relay (bench/servers/relay.ts). Nothing a library could skip.

const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

export async function createEndpoint({ signaling, id, stream }) {
  const ws = new WebSocket(`${signaling}?id=${encodeURIComponent(id)}`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('relay socket failed'));
  });
  const pcs = new Map();
  let seq = 0;
  const send = (message) => ws.send(JSON.stringify(message));

  function newPc(cid, remoteId) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    // Candidates may arrive before the remote description: apply them in order after it.
    const entry = { pc, ready: Promise.resolve(), remoteId };
    pc.onicecandidate = (e) => e.candidate && send({ dst: remoteId, kind: 'candidate', cid, candidate: e.candidate.toJSON() });
    pcs.set(cid, entry);
    return entry;
  }

  function mediaHandle(entry) {
    const remoteStream = new Promise((resolve) => {
      entry.pc.ontrack = (e) => resolve(e.streams[0] ?? new MediaStream([e.track]));
    });
    return { remoteStream, close: () => close(entry) };
  }

  function dataConn(entry, channelPromise) {
    let onData = () => {};
    const opened = channelPromise.then(
      (dc) =>
        new Promise((resolve) => {
          dc.binaryType = 'arraybuffer';
          dc.onmessage = (e) => onData(e.data);
          if (dc.readyState === 'open') resolve();
          else dc.onopen = () => resolve();
        }),
    );
    return {
      opened,
      onData: (cb) => (onData = cb),
      async sendAll(messages) {
        const dc = await channelPromise;
        dc.bufferedAmountLowThreshold = LOW_WATER;
        // Chromium refuses messages over the SCTP max-message-size (256 KiB): split them,
        // which is the least any library must do too.
        const max = entry.pc.sctp?.maxMessageSize || 256 * 1024;
        for (const m of messages) {
          for (let i = 0; i < m.byteLength; i += max) {
            if (dc.bufferedAmount > HIGH_WATER) {
              await new Promise((resolve) => dc.addEventListener('bufferedamountlow', resolve, { once: true }));
            }
            dc.send(m.byteLength <= max ? m : m.slice(i, Math.min(m.byteLength, i + max)));
          }
        }
      },
      close: () => close(entry),
    };
  }

  function close(entry) {
    entry.pc.close();
    for (const [cid, e] of pcs) if (e === entry) pcs.delete(cid);
  }

  const endpoint = {
    onCall: () => {},
    onConnection: () => {},
    call(remoteId) {
      const cid = `${id}-${seq++}`;
      const entry = newPc(cid, remoteId);
      for (const track of stream.getTracks()) entry.pc.addTrack(track, stream);
      const handle = mediaHandle(entry);
      entry.ready = (async () => {
        await entry.pc.setLocalDescription(await entry.pc.createOffer());
        send({ dst: remoteId, kind: 'offer', ctype: 'media', cid, sdp: entry.pc.localDescription.sdp });
      })();
      return handle;
    },
    connect(remoteId) {
      const cid = `${id}-${seq++}`;
      const entry = newPc(cid, remoteId);
      const dc = entry.pc.createDataChannel('data', { ordered: true });
      const conn = dataConn(entry, Promise.resolve(dc));
      entry.ready = (async () => {
        await entry.pc.setLocalDescription(await entry.pc.createOffer());
        send({ dst: remoteId, kind: 'offer', ctype: 'data', cid, sdp: entry.pc.localDescription.sdp });
      })();
      return conn;
    },
    destroy() {
      for (const e of pcs.values()) e.pc.close();
      ws.close();
    },
  };

  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.kind === 'offer') {
      const entry = newPc(m.cid, m.src);
      if (m.ctype === 'media') {
        for (const track of stream.getTracks()) entry.pc.addTrack(track, stream);
        endpoint.onCall(mediaHandle(entry));
      } else {
        const channel = new Promise((resolve) => (entry.pc.ondatachannel = (e) => resolve(e.channel)));
        endpoint.onConnection(dataConn(entry, channel));
      }
      entry.ready = (async () => {
        await entry.pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        await entry.pc.setLocalDescription(await entry.pc.createAnswer());
        send({ dst: m.src, kind: 'answer', cid: m.cid, sdp: entry.pc.localDescription.sdp });
      })();
      return;
    }
    const entry = pcs.get(m.cid);
    if (!entry) return;
    if (m.kind === 'answer') {
      entry.ready = entry.ready.then(() => entry.pc.setRemoteDescription({ type: 'answer', sdp: m.sdp }));
    } else if (m.kind === 'candidate') {
      entry.ready = entry.ready.then(() => entry.pc.addIceCandidate(m.candidate)).catch(() => {});
    }
  };

  return endpoint;
}
