/**
 * The selective forwarding unit behind `sfu` rooms: every member publishes its
 * audio and video once to the server, and the server forwards each track's RTP to
 * every other member. Rooms here are plain sets of members keyed by an opaque
 * room key; names, limits, logs and data live in the signaling registry.
 */
import type { RTCPeerConnection } from 'werift';
import type { SignalData } from '../../protocol/index.js';
import type { SfuMemberSink, SfuPort } from '../sfu-port.js';
import { sfuPeerConfig, type SfuIceOptions } from './config.js';
import { Subscription, type ForwardingStats, type KeyframeWaitPolicy, type Publication } from './forwarding.js';
import { Member } from './member.js';
import { TimerSet } from './timers.js';

export interface SfuOptions extends SfuIceOptions {
  /** How late subscribers get their first keyframe. */
  keyframes?: Partial<KeyframeWaitPolicy>;
  /** An offer not answered within this time is made again. Default 15 s. */
  answerTimeoutMs?: number;
  /** Diagnostics (negotiation failures, refused candidates). Default: silent. */
  log?: (message: string, details?: Record<string, unknown>) => void;
}

const DEFAULT_KEYFRAMES: KeyframeWaitPolicy = {
  retryMs: 300,
  maxAttempts: 10,
  minIntervalMs: 250,
  firAfter: 3,
};

export class Sfu implements SfuPort {
  readonly #rooms = new Map<string, Map<string, Member>>();
  /** Peer connections whose close() has not finished yet. */
  readonly #openConnections = new Set<RTCPeerConnection>();
  readonly #closing = new Set<Promise<void>>();
  readonly #timers = new TimerSet();
  readonly #stats: ForwardingStats = { forwardedPackets: 0, heldUntilKeyframe: 0, pliSent: 0, firSent: 0 };
  readonly #keyframes: KeyframeWaitPolicy;
  readonly #log: (message: string, details?: Record<string, unknown>) => void;

  constructor(private readonly options: SfuOptions = {}) {
    this.#keyframes = { ...DEFAULT_KEYFRAMES, ...options.keyframes };
    this.#log = options.log ?? (() => undefined);
  }

  join(roomKey: string, peerId: string, opts: { receiveOnly: boolean }, sink: SfuMemberSink): void {
    // A second join with the same id replaces the first (a client that lost its
    // socket and came back): the old connection is useless to it.
    if (this.#rooms.get(roomKey)?.has(peerId)) this.leave(roomKey, peerId);
    let room = this.#rooms.get(roomKey);
    if (!room) {
      room = new Map();
      this.#rooms.set(roomKey, room);
    }
    const member = new Member(roomKey, peerId, opts.receiveOnly, sink, {
      config: sfuPeerConfig(this.options),
      timers: this.#timers,
      keyframes: this.#keyframes,
      stats: this.#stats,
      answerTimeoutMs: this.options.answerTimeoutMs,
      negotiated: (m) => this.#onNegotiated(m),
      connected: (m) => this.#kickSubscriptions(m),
      log: this.#log,
    });
    this.#openConnections.add(member.pc);
    room.set(peerId, member);
    for (const other of room.values()) {
      if (other === member) continue;
      for (const publication of other.publications) {
        if (publication.source) this.#subscribe(publication, member);
      }
    }
    // Publishers need an offer even when there is nothing to receive yet.
    member.negotiator.request();
  }

  signal(roomKey: string, peerId: string, signal: SignalData): void {
    const member = this.#rooms.get(roomKey)?.get(peerId);
    if (!member) return this.#log('signal for an unknown SFU member ignored', { peerId, type: signal.type });
    member.negotiator.handle(signal);
  }

  leave(roomKey: string, peerId: string): void {
    const room = this.#rooms.get(roomKey);
    const member = room?.get(peerId);
    if (!room || !member) return;
    room.delete(peerId);
    if (room.size === 0) this.#rooms.delete(roomKey);
    for (const publication of member.publications) this.#unpublish(publication, room);
    const closing = member
      .close()
      .catch((err: unknown) => this.#log('closing a peer connection failed', { peerId, error: String(err) }))
      .finally(() => {
        this.#openConnections.delete(member.pc);
        this.#closing.delete(closing);
      });
    this.#closing.add(closing);
  }

  counters(): Record<string, number> {
    let members = 0;
    let transceivers = 0;
    let subscriptions = 0;
    for (const room of this.#rooms.values()) {
      for (const member of room.values()) {
        members += 1;
        transceivers += member.transceiverCount;
        subscriptions += member.subscriptions.size;
      }
    }
    return {
      rooms: this.#rooms.size,
      members,
      peerConnections: this.#openConnections.size,
      transceivers,
      timers: this.#timers.size,
      subscriptions,
    };
  }

  /** Cumulative forwarding figures (for benchmarks and diagnostics; they never go back to 0). */
  stats(): Readonly<ForwardingStats> {
    return { ...this.#stats };
  }

  async close(): Promise<void> {
    for (const [roomKey, room] of [...this.#rooms]) {
      for (const peerId of [...room.keys()]) this.leave(roomKey, peerId);
    }
    await Promise.all([...this.#closing]);
    this.#timers.clearAll();
  }

  #subscribe(publication: Publication, subscriber: Member): void {
    const subscription = new Subscription(publication, subscriber.peerId, this.#stats);
    publication.add(subscription);
    subscriber.subscribe(subscription);
  }

  #unpublish(publication: Publication, room: Map<string, Member>): void {
    for (const subscription of [...publication.subscriptions]) {
      const subscriber = room.get(subscription.subscriberId);
      if (subscriber) subscriber.unsubscribe(subscription);
      else subscription.close();
    }
    publication.clearSource();
  }

  /**
   * After every answer: a publisher's tracks go live (or change SSRC, or stop)
   * only as its answer says, so subscriptions follow what the member really sends.
   */
  #onNegotiated(member: Member): void {
    const room = this.#rooms.get(member.roomKey);
    if (!room || room.get(member.peerId) !== member) return;
    for (const publication of member.publications) {
      const track = member.liveSource(publication);
      if (track && !publication.source) {
        publication.setSource(track);
        for (const other of room.values()) if (other !== member) this.#subscribe(publication, other);
      } else if (track) {
        publication.setSource(track);
      } else if (publication.source) {
        this.#unpublish(publication, room);
      }
    }
    this.#kickSubscriptions(member);
  }

  #kickSubscriptions(member: Member): void {
    for (const subscription of member.subscriptions) subscription.publication.kick();
  }
}
