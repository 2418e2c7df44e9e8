/**
 * RTP forwarding without decoding: a Publication is one track a member sends to
 * the server; a Subscription is that track going out to one other member on a
 * sendonly transceiver of the subscriber's peer connection.
 *
 * werift's RTCRtpSender.sendRtp rewrites SSRC and payload type to what the
 * subscriber's SDP announced and keeps sequence numbers and timestamps, so the
 * subscriber sees one continuous stream per transceiver. Each subscriber gets its
 * own copy of the header because sendRtp mutates the one it is given.
 */
import { RtpHeader, RtpPacket, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import { KeyframeRequester, type KeyframePolicy, type KeyframeStats } from './keyframes.js';
import type { TimerSet } from './timers.js';
import { isVp8KeyframeStart } from './vp8.js';

export type MediaKind = 'audio' | 'video';

export interface ForwardingStats extends KeyframeStats {
  forwardedPackets: number;
  /** Video packets not sent to a new subscriber because its first keyframe had not come yet. */
  heldUntilKeyframe: number;
}

export interface KeyframeWaitPolicy extends KeyframePolicy {
  /** How often to re-ask while a subscriber still waits for its first keyframe. */
  retryMs: number;
  /** After this many requests the subscriber gets delta frames anyway and its own PLIs take over. */
  maxAttempts: number;
}

export interface PublicationOwner {
  readonly peerId: string;
  /** The msid stream id of this member's tracks in every subscriber's SDP. */
  readonly streamId: string;
}

interface Subscribable {
  unSubscribe(): void;
}

export class Publication {
  readonly subscriptions = new Set<Subscription>();
  readonly #keyframes: KeyframeRequester | undefined;
  #source: MediaStreamTrack | undefined;
  #sourceSubscription: Subscribable | undefined;
  #retryTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly owner: PublicationOwner,
    readonly kind: MediaKind,
    /** The server's recvonly transceiver this track arrives on. */
    readonly transceiver: RTCRtpTransceiver,
    private readonly timers: TimerSet,
    private readonly policy: KeyframeWaitPolicy,
    stats: ForwardingStats,
  ) {
    this.#keyframes = kind === 'video' ? new KeyframeRequester(transceiver.receiver, policy, stats) : undefined;
  }

  get source(): MediaStreamTrack | undefined {
    return this.#source;
  }

  /** Start forwarding from this remote track (also used when the publisher's SSRC changes). */
  setSource(track: MediaStreamTrack): void {
    if (track === this.#source) return;
    const switching = this.#source !== undefined;
    this.#sourceSubscription?.unSubscribe();
    this.#source = track;
    this.#sourceSubscription = track.onReceiveRtp.subscribe((packet) => this.#forward(packet));
    if (switching) {
      // A new SSRC restarts sequence numbers and, for video, needs a keyframe
      // before subscribers' decoders can follow.
      for (const subscription of this.subscriptions) subscription.restart(this.kind === 'video');
      this.#startKeyframeWait();
    }
  }

  /** Stop forwarding; subscriptions are closed by the caller, which also renegotiates. */
  clearSource(): void {
    this.#sourceSubscription?.unSubscribe();
    this.#sourceSubscription = undefined;
    this.#source = undefined;
    this.timers.clear(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  add(subscription: Subscription): void {
    this.subscriptions.add(subscription);
    if (subscription.awaitingKeyframe) this.#startKeyframeWait();
  }

  remove(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
    // The last waiting subscriber left: its retry timer goes with it, not at the next tick.
    if (this.#retryTimer !== undefined) this.#stopWaitIfDone();
  }

  /** Ask the publisher for a keyframe (rate-limited); used for subscribers' PLIs and FIRs. */
  requestKeyframe(): void {
    this.#keyframes?.request(this.#source?.ssrc);
  }

  /** Something changed for a waiting subscriber (negotiated, transport connected): try now rather than at the next tick. */
  kick(): void {
    if (this.#retryTimer !== undefined) this.#keyframeTick();
  }

  #startKeyframeWait(): void {
    if (this.kind !== 'video' || this.#retryTimer !== undefined) return;
    this.#retryTimer = this.timers.every(this.policy.retryMs, () => this.#keyframeTick());
  }

  /**
   * A subscriber that joined late holds video until a keyframe passes. The first
   * keyframe request usually races the subscriber's DTLS handshake and its
   * answer, and a keyframe the sender cannot send yet is lost to that subscriber,
   * so requests count only once the subscription can actually send, and repeat
   * until a keyframe went out to it.
   */
  #keyframeTick(): void {
    if (this.#stopWaitIfDone()) return;
    const waiting = [...this.subscriptions].filter((s) => s.awaitingKeyframe);
    const ready = waiting.filter((s) => s.sendable);
    if (ready.length === 0 || !this.#source) return;
    if (!this.#keyframes?.request(this.#source.ssrc)) return;
    for (const subscription of ready) {
      subscription.keyframeAttempts += 1;
      if (subscription.keyframeAttempts >= this.policy.maxAttempts) subscription.awaitingKeyframe = false;
    }
  }

  #forward(packet: RtpPacket): void {
    // Padding-only packets are bandwidth probes for the publisher's link, not media.
    if (packet.payload.length === 0) return;
    const keyframeStart = this.kind === 'video' && isVp8KeyframeStart(packet.payload);
    if (keyframeStart) this.#keyframes?.keyframeSeen();
    for (const subscription of this.subscriptions) subscription.send(packet, keyframeStart);
    if (keyframeStart && this.#retryTimer !== undefined) this.#stopWaitIfDone();
  }

  #stopWaitIfDone(): boolean {
    for (const subscription of this.subscriptions) if (subscription.awaitingKeyframe) return false;
    this.timers.clear(this.#retryTimer);
    this.#retryTimer = undefined;
    return true;
  }
}

export class Subscription {
  /** Video only: nothing is sent until a keyframe starts. */
  awaitingKeyframe: boolean;
  keyframeAttempts = 0;
  #transceiver: RTCRtpTransceiver | undefined;
  #rebase = false;
  #closed = false;

  constructor(
    readonly publication: Publication,
    readonly subscriberId: string,
    private readonly stats: ForwardingStats,
  ) {
    this.awaitingKeyframe = publication.kind === 'video';
  }

  get closed(): boolean {
    return this.#closed;
  }

  get transceiver(): RTCRtpTransceiver | undefined {
    return this.#transceiver;
  }

  /** Sending needs a negotiated codec and a connected DTLS transport; werift drops packets otherwise. */
  get sendable(): boolean {
    const sender = this.#transceiver?.sender;
    return !this.#closed && !!sender?.codec && sender.dtlsTransport?.state === 'connected';
  }

  /** Called once the subscriber's connection has the sendonly transceiver for this track. */
  attach(transceiver: RTCRtpTransceiver): void {
    this.#transceiver = transceiver;
  }

  restart(needsKeyframe: boolean): void {
    this.#rebase = true;
    if (needsKeyframe) {
      this.awaitingKeyframe = true;
      this.keyframeAttempts = 0;
    }
  }

  send(packet: RtpPacket, keyframeStart: boolean): void {
    if (!this.sendable) return;
    if (this.awaitingKeyframe) {
      if (!keyframeStart) {
        this.stats.heldUntilKeyframe += 1;
        return;
      }
      this.awaitingKeyframe = false;
    }
    const sender = this.#transceiver!.sender;
    if (this.#rebase) {
      // Continue this subscriber's sequence numbers across the publisher's SSRC change.
      sender.replaceRTP(packet.header, true);
      this.#rebase = false;
    }
    const header = new RtpHeader({
      ...packet.header,
      csrc: [...packet.header.csrc],
      // The publisher's extension ids mean nothing on the subscriber's connection.
      extensions: [],
      extension: false,
      padding: false,
      paddingSize: 0,
    });
    this.stats.forwardedPackets += 1;
    void sender.sendRtp(new RtpPacket(header, packet.payload)).catch(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.publication.remove(this);
  }
}
