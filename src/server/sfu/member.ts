/**
 * One room member as the SFU sees it: its werift peer connection, the tracks it
 * publishes (one recvonly transceiver per kind) and the tracks it receives (one
 * sendonly transceiver per other member's track).
 */
import { randomUUID } from 'node:crypto';
import {
  MediaStream,
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  type MediaStreamTrack,
  type RTCDtlsTransport,
  type RTCPeerConnectionConfig,
  type RTCRtpTransceiver,
  type RtcpPacket,
} from 'werift';
import type { SignalData } from '../../protocol/index.js';
import type { SfuMemberSink } from '../sfu-port.js';
import { Publication, type ForwardingStats, type KeyframeWaitPolicy, type PublicationOwner, type Subscription } from './forwarding.js';
import { Negotiator } from './negotiator.js';
import type { TimerSet } from './timers.js';

export interface MemberContext {
  config: RTCPeerConnectionConfig;
  timers: TimerSet;
  keyframes: KeyframeWaitPolicy;
  stats: ForwardingStats;
  answerTimeoutMs: number | undefined;
  /** An answer from this member was applied. */
  negotiated(member: Member): void;
  /** This member's ICE/DTLS connection is up. */
  connected(member: Member): void;
  log(message: string, details?: Record<string, unknown>): void;
}

/** The recvonly audio and video m-lines every member has (see the constructor). */
const OWN_TRANSCEIVERS = 2;

export class Member implements PublicationOwner {
  /** Random rather than the peer id: a member who leaves and rejoins must look like a new stream to the browser. */
  readonly streamId = randomUUID();
  readonly pc: RTCPeerConnection;
  readonly negotiator: Negotiator;
  readonly publications: Publication[] = [];
  readonly subscriptions = new Set<Subscription>();
  readonly #sendTransceivers = new Set<RTCRtpTransceiver>();
  /** Forwarding subscriptions by the SSRC the subscriber sees, to route its keyframe requests. */
  readonly #bySenderSsrc = new Map<number, Subscription>();
  readonly #tappedTransports = new WeakSet<RTCDtlsTransport>();
  /** Transceiver changes wait here until the connection is stable (see Negotiator). */
  #pending: (() => void)[] = [];
  #lastStreams = '';
  #closed = false;

  constructor(
    readonly roomKey: string,
    readonly peerId: string,
    readonly receiveOnly: boolean,
    private readonly sink: SfuMemberSink,
    private readonly ctx: MemberContext,
  ) {
    this.pc = new RTCPeerConnection(ctx.config);
    // Every member's first two m-lines are recvonly audio and video, offered up
    // front so a member who starts with audio only can add video later with a
    // plain renegotiation. They also anchor the BUNDLE group: these m-lines are
    // never rejected, whereas forwarded tracks come and go with port 0, and a
    // browser whose BUNDLE-tagged m-line is rejected moves the bundle to a new
    // transport and loses the connection. Receive-only members get them too;
    // whatever such a member might send on them is never forwarded.
    for (const kind of ['audio', 'video'] as const) {
      const transceiver = this.pc.addTransceiver(kind, { direction: 'recvonly' });
      if (!receiveOnly) this.publications.push(new Publication(this, kind, transceiver, ctx.timers, ctx.keyframes, ctx.stats));
    }
    const log = (message: string, details?: Record<string, unknown>) => ctx.log(message, { peerId, ...details });
    this.negotiator = new Negotiator(
      this.pc,
      ctx.timers,
      {
        send: (signal) => this.#send(signal),
        beforeOffer: () => this.#applyPending(),
        negotiated: () => ctx.negotiated(this),
        log,
      },
      ctx.answerTimeoutMs,
    );
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected' && !this.#closed) ctx.connected(this);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live transceivers: the member's own two plus forwarding ones not yet removed by a negotiation. */
  get transceiverCount(): number {
    return this.#closed ? 0 : OWN_TRANSCEIVERS + this.#sendTransceivers.size;
  }

  /** The track the last answer says this member sends for a publication, if it sends one. */
  liveSource(publication: Publication): MediaStreamTrack | undefined {
    // Server-side `recvonly` as negotiated means the member answered `sendonly`.
    if (publication.transceiver.currentDirection !== 'recvonly') return undefined;
    const tracks = publication.transceiver.receiver.tracks;
    return tracks[tracks.length - 1];
  }

  subscribe(subscription: Subscription): void {
    this.subscriptions.add(subscription);
    this.#pending.push(() => {
      if (!subscription.closed) subscription.attach(this.#addSendTransceiver(subscription));
    });
    this.negotiator.request();
  }

  unsubscribe(subscription: Subscription): void {
    subscription.close();
    this.subscriptions.delete(subscription);
    this.#pending.push(() => {
      if (subscription.transceiver) this.#removeSendTransceiver(subscription.transceiver);
    });
    this.negotiator.request();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.negotiator.close();
    this.#pending = [];
    for (const subscription of this.subscriptions) subscription.close();
    this.subscriptions.clear();
    for (const publication of this.publications) publication.clearSource();
    this.#sendTransceivers.clear();
    this.#bySenderSsrc.clear();
    await this.pc.close();
  }

  #send(signal: SignalData): void {
    if (this.#closed) return;
    try {
      this.sink.sendSignal(signal);
    } catch (err) {
      this.ctx.log('sink.sendSignal failed', { peerId: this.peerId, error: String(err) });
    }
  }

  #applyPending(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const change of pending) change();
    this.#tapRtcp();
    // The stream → member map goes out before the offer that adds or removes
    // those streams, so the browser can label a track the moment it appears.
    const streams: Record<string, string> = {};
    for (const subscription of this.subscriptions) {
      const owner = subscription.publication.owner;
      streams[owner.streamId] = owner.peerId;
    }
    const json = JSON.stringify(streams);
    if (json === this.#lastStreams) return;
    this.#lastStreams = json;
    try {
      this.sink.sendStreams(streams);
    } catch (err) {
      this.ctx.log('sink.sendStreams failed', { peerId: this.peerId, error: String(err) });
    }
  }

  #addSendTransceiver(subscription: Subscription): RTCRtpTransceiver {
    // werift's addTransceiver recycles any inactive transceiver never used for
    // sending, without checking its kind: a video track could take over an audio
    // m-line a receive-only or audio-less member left inactive, which browsers
    // reject. Never recycle: every forwarded track gets a fresh m-line.
    for (const existing of this.pc.getTransceivers()) existing.usedForSender = true;
    const { kind, owner } = subscription.publication;
    const transceiver = this.pc.addTransceiver(kind, {
      direction: 'sendonly',
      streams: [new MediaStream({ id: owner.streamId })],
    });
    this.#sendTransceivers.add(transceiver);
    this.#bySenderSsrc.set(transceiver.sender.ssrc, subscription);
    return transceiver;
  }

  /**
   * Keyframe requests from this member's browser, routed by the media SSRC they
   * name. werift's own router sends a PLI to whatever its *sender* SSRC belongs
   * to, and a publishing browser uses its outgoing video SSRC there, so the PLI
   * lands on the server's receiver for that member's own video and
   * RTCRtpSender.onPictureLossIndication never fires for forwarded tracks.
   */
  #tapRtcp(): void {
    for (const transport of this.pc.dtlsTransports) {
      if (this.#tappedTransports.has(transport)) continue;
      this.#tappedTransports.add(transport);
      transport.onRtcp.subscribe((packet) => this.#onRtcp(packet));
    }
  }

  #onRtcp(packet: RtcpPacket): void {
    if (this.#closed || !(packet instanceof RtcpPayloadSpecificFeedback)) return;
    const feedback = packet.feedback;
    if (!feedback) return;
    // PLI (FMT 1) names the stream in its media SSRC; FIR (FMT 4) in its entries.
    const ssrcs =
      feedback.count === 1 ? [feedback.mediaSsrc] : feedback.count === 4 && 'fir' in feedback ? feedback.fir.map((e) => e.ssrc) : [];
    for (const ssrc of ssrcs) this.#bySenderSsrc.get(ssrc)?.publication.requestKeyframe();
  }

  #removeSendTransceiver(transceiver: RTCRtpTransceiver): void {
    if (!this.#sendTransceivers.delete(transceiver)) return;
    this.#bySenderSsrc.delete(transceiver.sender.ssrc);
    // Made inactive with port 0 in the next offer: the browser stops its receiver,
    // which ends the track and removes it from the member's MediaStream.
    this.pc.removeTrack(transceiver.sender);
    transceiver.stop();
  }
}
