/**
 * The typed reasons a Peer (or a room) can fail. The first eleven are the
 * ECLWebRTC / skyway-js names, kept so ported apps can switch on them unchanged;
 * `invalid-message` is ours: the server refused a frame it could not validate.
 */
export const ERROR_TYPES = [
  'invalid-id',
  'invalid-key',
  'unavailable-id',
  'peer-unavailable',
  'invalid-domain',
  'authentication',
  'socket-error',
  'server-error',
  'disconnected',
  'room-error',
  'webrtc',
  'invalid-message',
] as const;

export type ErrorType = (typeof ERROR_TYPES)[number];

/** WebSocket close codes the server uses when it refuses a connection outright. */
export const CLOSE_CODES = {
  /** Sent after a typed `error` message that ends the session (bad key, id taken, …). */
  refused: 4000,
  /** A newer connection took over this session token. */
  replaced: 4001,
  /** The peer called destroy()/disconnect(): the server frees the ID at once. */
  clientClose: 1000,
  /** ws' own code for a frame over `maxPayload`. */
  tooBig: 1009,
} as const;
