/**
 * Offer/answer with one member, in simple-peer's dialect, with the server as the
 * offerer. The member's simple-peer is a non-initiator: it answers every offer and
 * asks for a new one with `{type:'renegotiate'}` (or `transceiverRequest`).
 *
 * Negotiations are strictly serialized: a change requested while an offer is out
 * is folded into the next offer, and the transceiver changes themselves run only
 * while the connection is stable (`beforeOffer`). werift matches answer m-lines to
 * transceivers loosely, so a transceiver added during `have-local-offer` could be
 * matched to the wrong m-line or stopped by the answer.
 */
import type { RTCPeerConnection } from 'werift';
import type { SignalData } from '../../protocol/index.js';
import type { TimerSet } from './timers.js';

/**
 * An offer left unanswered this long is given up and made again: a lost message
 * or a client that recreated its peer connection must not stall the member's
 * negotiations for good (the browser accepts a new offer in have-remote-offer).
 */
export const DEFAULT_ANSWER_TIMEOUT_MS = 15_000;

export interface NegotiatorHooks {
  send(signal: SignalData): void;
  /** Called with the connection stable, right before an offer is made: apply queued transceiver changes here. */
  beforeOffer(): void;
  /** Called after each answer has been applied. */
  negotiated(): void;
  log(message: string, details?: Record<string, unknown>): void;
}

export class Negotiator {
  #wanted = false;
  #running = false;
  #closed = false;
  #answer: { resolve(sdp: string): void; reject(err: Error): void } | undefined;
  #answerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly timers: TimerSet,
    private readonly hooks: NegotiatorHooks,
    private readonly answerTimeoutMs = DEFAULT_ANSWER_TIMEOUT_MS,
  ) {}

  /** Ask for a (re)negotiation; several requests before it starts make one offer. */
  request(): void {
    if (this.#closed) return;
    this.#wanted = true;
    // Started on a microtask so that changes made in one synchronous batch (a new
    // publisher's audio and video, say) go out in one offer.
    queueMicrotask(() => void this.#pump());
  }

  /** A signal from the member's simple-peer. */
  handle(signal: SignalData): void {
    if (this.#closed) return;
    switch (signal.type) {
      case 'answer':
        if (!this.#answer) return this.hooks.log('answer without an outstanding offer, ignored');
        this.#settleAnswer().resolve(signal.sdp);
        return;
      case 'candidate':
        this.pc
          .addIceCandidate({
            candidate: signal.candidate.candidate,
            sdpMid: signal.candidate.sdpMid ?? undefined,
            sdpMLineIndex: signal.candidate.sdpMLineIndex ?? undefined,
          })
          .catch((err: unknown) => this.hooks.log('remote candidate refused', { error: String(err) }));
        return;
      case 'renegotiate':
      case 'transceiverRequest':
        // The member added or changed local tracks. Publishers already have a
        // receive transceiver per kind, so a fresh offer is all it needs.
        return this.request();
      case 'offer':
        // The server is always the offerer; a client offer would collide with ours.
        return this.hooks.log('offer from an SFU member ignored: the member must be a non-initiator');
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#answer) this.#settleAnswer().reject(new Error('negotiator closed'));
  }

  /** Takes the outstanding answer wait (and its timeout) off, to settle it. */
  #settleAnswer(): { resolve(sdp: string): void; reject(err: Error): void } {
    const answer = this.#answer!;
    this.#answer = undefined;
    this.timers.clear(this.#answerTimer);
    this.#answerTimer = undefined;
    return answer;
  }

  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#wanted && !this.#closed) {
        this.#wanted = false;
        try {
          const negotiated = await this.#negotiateOnce();
          if (negotiated && !this.#closed) this.hooks.negotiated();
        } catch (err) {
          if (this.#closed) break;
          this.hooks.log('negotiation failed', { error: String(err) });
          // Offer again (with whatever changed meanwhile) rather than leave the member stuck.
          if (err instanceof AnswerTimeout) this.#wanted = true;
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** Returns false when there was nothing to offer. */
  async #negotiateOnce(): Promise<boolean> {
    this.hooks.beforeOffer();
    // Every member has its own two m-lines, so this is a guard: an offer without
    // any would start no ICE transport and never finish gathering.
    if (this.pc.getTransceivers().length === 0) return false;
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    // Non-trickle on the server side: werift gathers host candidates in
    // milliseconds, and one offer carrying them is simpler than a candidate stream.
    await this.#gatheringComplete();
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp || this.#closed) return false;
    const answered = new Promise<string>((resolve, reject) => {
      this.#answer = { resolve, reject };
    });
    this.#answerTimer = this.timers.after(this.answerTimeoutMs, () => {
      this.#answerTimer = undefined;
      if (this.#answer) this.#settleAnswer().reject(new AnswerTimeout(this.answerTimeoutMs));
    });
    this.hooks.send({ type: 'offer', sdp: withoutRejectedBundleMids(sdp) });
    const answer = await answered;
    if (this.#closed) return false;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    return true;
  }

  async #gatheringComplete(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return;
    await this.pc.iceGatheringStateChange.watch((state) => state === 'complete');
  }
}

class AnswerTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * werift keeps removed (port 0) m-sections in the BUNDLE group; JSEP says a
 * rejected m-section is not part of a bundle, and browsers may refuse a bundle
 * whose tagged section is rejected. Drop their MIDs from the group line.
 */
export function withoutRejectedBundleMids(sdp: string): string {
  const sections = sdp.split(/(?=^m=)/m);
  const rejected = new Set<string>();
  for (const section of sections.slice(1)) {
    if (!/^m=\S+ 0 /.test(section)) continue;
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    if (mid) rejected.add(mid);
  }
  if (rejected.size === 0) return sdp;
  return sdp.replace(/^a=group:BUNDLE ([^\r\n]*)\r?\n/m, (line, mids: string) => {
    const kept = mids.split(' ').filter((mid) => mid && !rejected.has(mid));
    // No live m-section left (a receive-only member after the last publisher left): no group at all.
    return kept.length ? line.replace(mids, kept.join(' ')) : '';
  });
}
