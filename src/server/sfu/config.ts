/**
 * The werift configuration every SFU peer connection uses (server side and the
 * Node bot), built fresh per connection because werift writes payload types and
 * extension ids into the objects it is given.
 */
import { networkInterfaces } from 'node:os';
import { RTCRtpCodecParameters, type RTCPeerConnectionConfig, useFIR, useNACK, usePLI, useREMB } from 'werift';

export interface SfuIceOptions {
  /**
   * Extra host addresses werift should offer (werift skips loopback). Default:
   * `['127.0.0.1']` on a machine with no other IPv4 interface, else none.
   */
  iceAdditionalHostAddresses?: string[];
  /** UDP port range for ICE, e.g. to open a firewall. Default: any port. */
  icePortRange?: [number, number];
  /** STUN/TURN servers. Default none: the server is reached on its own host addresses. */
  iceServers?: { urls: string | string[]; username?: string; credential?: string }[];
  /** Gather IPv6 host candidates too. Default false (faster gathering, loopback tests are IPv4). */
  iceUseIpv6?: boolean;
}

/**
 * Only the codecs Chromium sends by default, with fixed payload types: every
 * connection of a room then uses the same payload type per codec, so forwarded RTP
 * needs no payload-type mapping, and there is nothing to transcode. No RTX and no
 * header extensions: forwarding rewrites SSRCs, and demultiplexing by the SSRCs
 * both sides signal in SDP is enough; fewer moving parts than MID/RID routing.
 * PLI and FIR are offered so late subscribers can ask for keyframes (FIR is the
 * fallback when a publisher ignores PLI); NACK lets lost packets be repaired hop by hop.
 */
export function sfuPeerConfig(ice: SfuIceOptions = {}): RTCPeerConnectionConfig {
  return {
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          payloadType: 111,
          parameters: 'minptime=10;useinbandfec=1',
          rtcpFeedback: [],
        }),
      ],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          payloadType: 96,
          rtcpFeedback: [useNACK(), usePLI(), useFIR(), useREMB()],
        }),
      ],
    },
    headerExtensions: { audio: [], video: [] },
    iceServers: ice.iceServers ?? [],
    iceAdditionalHostAddresses: ice.iceAdditionalHostAddresses ?? defaultExtraHosts(),
    icePortRange: ice.icePortRange,
    iceUseIpv6: ice.iceUseIpv6 ?? false,
    // One ICE/DTLS transport per member however many tracks it carries.
    bundlePolicy: 'max-bundle',
  };
}

/**
 * Loopback only when there is nothing else to offer. An extra loopback candidate
 * is not free: werift then also checks every loopback ↔ LAN pair, and with many
 * members joining at once those failing checks held connections back by ~5 s
 * (bench/sfu.ts, N = 20). Browsers never offer loopback candidates anyway.
 */
function defaultExtraHosts(): string[] {
  const external = Object.values(networkInterfaces())
    .flat()
    .some((address) => address && address.family === 'IPv4' && !address.internal);
  return external ? [] : ['127.0.0.1'];
}
