/**
 * Keyframe requests to one publisher's video, rate-limited so that many late
 * subscribers (or many subscribers reporting loss at once) cost the publisher one
 * keyframe, not one each. PLI first; FIR (RFC 5104) after a few PLIs went
 * unanswered, for encoders that only honour FIR.
 */
import { RtcpPacketConverter, type RTCRtpReceiver } from 'werift';

export interface KeyframeStats {
  pliSent: number;
  firSent: number;
}

export interface KeyframePolicy {
  /** Never ask the same publisher more often than this. */
  minIntervalMs: number;
  /** Switch to FIR after this many requests without a keyframe arriving. */
  firAfter: number;
}

export class KeyframeRequester {
  #lastAt = Number.NEGATIVE_INFINITY;
  #unanswered = 0;
  #firSequence = 0;

  constructor(
    private readonly receiver: RTCRtpReceiver,
    private readonly policy: KeyframePolicy,
    private readonly stats: KeyframeStats,
  ) {}

  /** Returns false when rate-limited (or nothing to ask yet). */
  request(mediaSsrc: number | undefined): boolean {
    if (mediaSsrc === undefined) return false;
    const now = performance.now();
    if (now - this.#lastAt < this.policy.minIntervalMs) return false;
    this.#lastAt = now;
    this.#unanswered += 1;
    if (this.#unanswered > this.policy.firAfter) {
      this.#sendFir(mediaSsrc);
    } else {
      this.stats.pliSent += 1;
      void this.receiver.sendRtcpPLI(mediaSsrc).catch(() => undefined);
    }
    return true;
  }

  /** A keyframe went through: the next request starts with PLI again. */
  keyframeSeen(): void {
    this.#unanswered = 0;
  }

  #sendFir(mediaSsrc: number): void {
    this.#firSequence = (this.#firSequence + 1) & 0xff;
    // werift 0.24 does not export its FullIntraRequest class, so the packet is
    // written by hand (RFC 5104 §4.3.1) and parsed back into werift's own type.
    const bytes = Buffer.alloc(20);
    bytes[0] = 0x80 | 4; // V=2, FMT=4 (FIR)
    bytes[1] = 206; // PSFB
    bytes.writeUInt16BE(4, 2); // length in 32-bit words minus one
    bytes.writeUInt32BE(this.receiver.rtcpSsrc >>> 0, 4);
    bytes.writeUInt32BE(0, 8); // media source SSRC is unused for FIR
    bytes.writeUInt32BE(mediaSsrc >>> 0, 12);
    bytes[16] = this.#firSequence;
    const transport = this.receiver.dtlsTransport;
    if (!transport || transport.state !== 'connected') return;
    this.stats.firSent += 1;
    void transport.sendRtcp(RtcpPacketConverter.deSerialize(bytes)).catch(() => undefined);
  }
}
