import type { DebugLevel } from './logger.js';

export type Serialization = 'binary' | 'json' | 'none';

export interface PeerOptions {
  /** API key of the application (`demo` on a server without a keys file). */
  key: string;
  /**
   * Signaling URL: `ws(s)://host/path`, `http(s)://…` (mapped to ws(s)) or a path on
   * the page's origin. Default: `/signaling` on the page's origin.
   */
  server?: string;
  /** 0 silent (default), 1 errors, 2 warnings, 3 everything. */
  debug?: DebugLevel;
  /**
   * RTCConfiguration for every peer connection (ICE servers, policy). Without it,
   * simple-peer's defaults apply (public Google and Twilio STUN servers); give your
   * own STUN/TURN servers for production.
   */
  config?: RTCConfiguration;
  /**
   * Reclaim the same ID automatically after an unexpected drop of the signaling
   * socket (within the server's grace period). Default true.
   */
  autoReconnect?: boolean;
}

export interface CallOptions {
  /** Any JSON value, given to the callee as `call.metadata`. */
  metadata?: unknown;
}

export interface ConnectOptions {
  /** `binary` (default): structured values, ArrayBuffer, typed arrays, Blob. `json`: JSON values. `none`: strings and bytes as they are. */
  serialization?: Serialization;
  metadata?: unknown;
  /** The data channel's label; default the connection ID. */
  label?: string;
  /** false: unordered, no retransmits (messages may be lost, large ones more likely). Default true. */
  reliable?: boolean;
}

export interface RoomOptions {
  /** `mesh` (default): every member connects to every other. `sfu`: media goes through the server. */
  mode?: 'mesh' | 'sfu';
  /** What this member sends; none (or `receiveOnly`) sends nothing but still receives everyone. */
  stream?: MediaStream;
  receiveOnly?: boolean;
  metadata?: unknown;
}
