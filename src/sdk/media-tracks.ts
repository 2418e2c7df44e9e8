import type { SimplePeerInstance } from './simple-peer-loader.js';

const KINDS = ['audio', 'video'] as const;

/** Kinds the stream does not carry: the offerer adds a receive-only transceiver for each so it still gets the other side's media. */
export function missingKinds(stream: MediaStream | undefined): Array<'audio' | 'video'> {
  const present = new Set(stream?.getTracks().map((t) => t.kind) ?? []);
  return KINDS.filter((kind) => !present.has(kind));
}

function kindOf(transceiver: RTCRtpTransceiver): string {
  return transceiver.sender.track?.kind ?? transceiver.receiver.track.kind;
}

/**
 * Switches what a connection sends to `stream` with RTCRtpSender.replaceTrack, so
 * the call goes on without a new offer. Only a kind that had no sending direction
 * before (a receive-only side starting its camera) changes the transceiver's
 * direction and needs one renegotiation; a kind absent from `stream` stops sending.
 */
export async function replaceOutgoingTracks(sp: SimplePeerInstance, pc: RTCPeerConnection, stream: MediaStream): Promise<void> {
  let renegotiate = false;
  for (const kind of KINDS) {
    const track = stream.getTracks().find((t) => t.kind === kind) ?? null;
    const candidates = pc.getTransceivers().filter((t) => t.direction !== 'stopped' && t.currentDirection !== 'stopped' && kindOf(t) === kind);
    const transceiver = candidates.find((t) => t.sender.track) ?? candidates.find((t) => t.mid !== null) ?? candidates[0];
    if (!transceiver) {
      // No m-line of this kind at all: only a new track can add one (simple-peer renegotiates).
      if (track) sp.addTrack(track, stream);
      continue;
    }
    if (transceiver.sender.track === track) continue;
    await transceiver.sender.replaceTrack(track);
    if (!track) continue;
    // The remote side labels incoming tracks with the sender's streams (stream.peerId, one stream per call).
    transceiver.sender.setStreams?.(stream);
    if (transceiver.direction === 'recvonly' || transceiver.direction === 'inactive') {
      transceiver.direction = transceiver.direction === 'recvonly' ? 'sendrecv' : 'sendonly';
      renegotiate = true;
    }
  }
  // simple-peer's negotiate(): the initiator offers again; the other side asks the initiator to.
  if (renegotiate) (sp as unknown as { negotiate(): void }).negotiate();
}
