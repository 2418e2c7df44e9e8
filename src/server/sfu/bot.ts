/**
 * A Node SFU member built on werift, speaking simple-peer's non-initiator dialect
 * like the browser SDK does: it answers every offer, and can publish synthetic
 * VP8 + opus RTP. Used by the SFU's node tests and by `npm run bench:sfu` (many
 * subscribers fit in one Node process where browsers would not), and usable for
 * server-side bots (recorders, load generators).
 *
 * The synthetic video is not decodable VP8: only its RTP payload descriptor and
 * the keyframe bit are real, which is all a forwarding unit looks at.
 */
import {
  MediaStreamTrack,
  PictureLossIndication,
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  RtpHeader,
  RtpPacket,
  type RTCRtpSender,
  type RTCRtpTransceiver,
  type RTCTrackEvent,
} from 'werift';
import type { SignalData } from '../../protocol/index.js';
import { sfuPeerConfig, type SfuIceOptions } from './config.js';
import { isVp8KeyframeStart } from './vp8.js';

export interface ReceivedTrack {
  kind: 'audio' | 'video';
  streamId: string;
  transceiver: RTCRtpTransceiver;
  packets: number;
  bytes: number;
  keyframes: number;
  /** Extended (wrap-aware) first and highest sequence numbers seen, for loss. */
  firstSeq?: number;
  highestSeq?: number;
  /** The server removed this track (its m-line went inactive). */
  ended: boolean;
}

export interface SfuBotOptions {
  /** Send audio and video (synthetic unless you write your own RTP to `audio`/`video`). */
  publish: boolean;
  ice?: SfuIceOptions;
}

export class SfuBot {
  readonly pc: RTCPeerConnection;
  /** Local tracks when publishing: write RTP here. */
  readonly audio: MediaStreamTrack | undefined;
  readonly video: MediaStreamTrack | undefined;
  readonly received: ReceivedTrack[] = [];
  /** Last `sfu-streams` map from the server: stream id → publishing member. */
  streams: Record<string, string> = {};
  /** Keyframe requests (PLI/FIR) the server sent to this publisher. */
  pliReceived = 0;
  /** RTP packets written by startSyntheticMedia (audio + video). */
  sentPackets = 0;
  firReceived = 0;
  /** Called with each signal for the server (wire to `sfu.signal` or a socket). */
  onSignal: (signal: SignalData) => void = () => undefined;
  #videoSender: RTCRtpSender | undefined;
  #chain: Promise<void> = Promise.resolve();
  #keyframeWanted = true;
  #listeners = new Set<() => void>();

  constructor(options: SfuBotOptions) {
    this.pc = new RTCPeerConnection(sfuPeerConfig(options.ice));
    if (options.publish) {
      this.audio = new MediaStreamTrack({ kind: 'audio' });
      this.video = new MediaStreamTrack({ kind: 'video' });
      // Added before the first offer so they take the server's recvonly m-lines.
      this.pc.addTransceiver(this.audio, { direction: 'sendonly' });
      const video = this.pc.addTransceiver(this.video, { direction: 'sendonly' });
      this.#videoSender = video.sender;
      video.sender.onPictureLossIndication.subscribe(() => {
        this.pliReceived += 1;
        this.#keyframeWanted = true;
        this.#changed();
      });
      video.sender.onRtcp.subscribe((packet) => {
        if (packet.type === 206 && 'feedback' in packet && packet.feedback.count === 4) {
          this.firReceived += 1;
          this.#keyframeWanted = true;
          this.#changed();
        }
      });
    }
    this.pc.ontrack = (event: RTCTrackEvent) => this.#onTrack(event);
  }

  /** A signal from the server; handled strictly in order, like simple-peer does. */
  handle(signal: SignalData): void {
    this.#chain = this.#chain.then(() => this.#handle(signal)).catch(() => undefined);
  }

  setStreams(streams: Record<string, string>): void {
    this.streams = streams;
    this.#changed();
  }

  /** Resolves when `predicate` holds, re-checked whenever something arrives. */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.#listeners.delete(check);
        resolve();
      };
      this.#listeners.add(check);
    });
  }

  /** Tracks currently forwarded to this bot, with the member the server says they belong to. */
  liveTracks(): (ReceivedTrack & { peerId: string | undefined })[] {
    return this.received.filter((t) => !t.ended).map((t) => ({ ...t, peerId: this.streams[t.streamId] }));
  }

  /** Fraction of packets missing between the first and highest sequence number seen. */
  static loss(track: ReceivedTrack): number {
    if (track.firstSeq === undefined || track.highestSeq === undefined) return 0;
    const expected = track.highestSeq - track.firstSeq + 1;
    return Math.max(0, expected - track.packets) / expected;
  }

  /**
   * Publish synthetic media until the returned function is called: video at `fps`
   * frames of `packetsPerFrame` packets, a keyframe whenever one is requested,
   * and 20 ms opus-sized audio packets.
   */
  startSyntheticMedia({ fps = 30, packetsPerFrame = 3, packetBytes = 1000 } = {}): () => void {
    const { audio, video } = this;
    if (!audio || !video) throw new Error('this bot does not publish');
    let videoSeq = Math.floor(Math.random() * 0xffff);
    let videoTs = Math.floor(Math.random() * 0xffffffff);
    let audioSeq = Math.floor(Math.random() * 0xffff);
    let audioTs = Math.floor(Math.random() * 0xffffffff);
    const videoTimer = setInterval(() => {
      const keyframe = this.#keyframeWanted;
      this.#keyframeWanted = false;
      for (let i = 0; i < packetsPerFrame; i++) {
        const payload = Buffer.alloc(packetBytes, 0xab);
        // VP8 payload descriptor: S bit on the frame's first packet, partition 0.
        payload[0] = i === 0 ? 0x10 : 0x00;
        // VP8 payload header on the first packet: P bit 0 = keyframe.
        payload[1] = i === 0 ? (keyframe ? 0x00 : 0x01) : 0xab;
        const header = new RtpHeader({
          payloadType: 96,
          sequenceNumber: videoSeq,
          timestamp: videoTs,
          marker: i === packetsPerFrame - 1,
        });
        videoSeq = (videoSeq + 1) & 0xffff;
        video.writeRtp(new RtpPacket(header, payload));
        this.sentPackets += 1;
      }
      videoTs = (videoTs + Math.round(90000 / fps)) >>> 0;
    }, 1000 / fps);
    const audioTimer = setInterval(() => {
      const header = new RtpHeader({ payloadType: 111, sequenceNumber: audioSeq, timestamp: audioTs, marker: false });
      audioSeq = (audioSeq + 1) & 0xffff;
      audioTs = (audioTs + 960) >>> 0;
      audio.writeRtp(new RtpPacket(header, Buffer.alloc(120, 0x55)));
      this.sentPackets += 1;
    }, 20);
    return () => {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
    };
  }

  /**
   * Asks for a keyframe of a received video track the way Chromium does: a PLI
   * whose sender SSRC is this member's own outgoing video SSRC when it publishes.
   */
  sendPli(track: ReceivedTrack): void {
    const { receiver } = track.transceiver;
    const mediaSsrc = receiver.tracks[0]?.ssrc;
    if (mediaSsrc === undefined) return;
    const senderSsrc = this.#videoSender?.ssrc ?? receiver.rtcpSsrc;
    const packet = new RtcpPayloadSpecificFeedback({ feedback: new PictureLossIndication({ senderSsrc, mediaSsrc }) });
    void receiver.dtlsTransport.sendRtcp([packet]).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.pc.close();
  }

  async #handle(signal: SignalData): Promise<void> {
    if (signal.type === 'candidate') {
      await this.pc.addIceCandidate(signal.candidate);
      return;
    }
    if (signal.type !== 'offer') return;
    // werift recycles an inactive transceiver for a new remote m-line without
    // keeping the old m-line's transceiver, and then cannot answer for that old
    // mid. Mark every existing one as used so new m-lines get new transceivers.
    for (const transceiver of this.pc.getTransceivers()) transceiver.usedForSender = true;
    await this.pc.setRemoteDescription({ type: 'offer', sdp: signal.sdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    if (this.pc.iceGatheringState !== 'complete') {
      await this.pc.iceGatheringStateChange.watch((state) => state === 'complete');
    }
    // An m-line the server made inactive is a track it stopped forwarding.
    for (const track of this.received) {
      if (track.transceiver.currentDirection === 'inactive' || track.transceiver.offerDirection === 'inactive') {
        track.ended = true;
      }
    }
    this.onSignal({ type: 'answer', sdp: this.pc.localDescription!.sdp });
    this.#changed();
  }

  #onTrack(event: RTCTrackEvent): void {
    // werift re-announces a receiving track on every renegotiation.
    if (this.received.some((t) => t.transceiver === event.transceiver)) return;
    const entry: ReceivedTrack = {
      kind: event.track.kind === 'audio' ? 'audio' : 'video',
      streamId: event.streams[0]?.id ?? '',
      transceiver: event.transceiver,
      packets: 0,
      bytes: 0,
      keyframes: 0,
      ended: false,
    };
    this.received.push(entry);
    event.track.onReceiveRtp.subscribe((packet) => {
      entry.packets += 1;
      entry.bytes += packet.payload.length;
      const seq = packet.header.sequenceNumber;
      if (entry.highestSeq === undefined || entry.firstSeq === undefined) {
        entry.firstSeq = seq;
        entry.highestSeq = seq;
      } else {
        // Unwrap relative to the highest seen: a forward jump of less than half the space is new.
        const delta = ((seq - (entry.highestSeq & 0xffff) + 0x10000) & 0xffff);
        if (delta !== 0 && delta < 0x8000) entry.highestSeq += delta;
      }
      if (entry.kind === 'video' && isVp8KeyframeStart(packet.payload)) entry.keyframes += 1;
      this.#changed();
    });
    this.#changed();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
