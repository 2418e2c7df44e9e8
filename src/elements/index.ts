/**
 * The custom elements. Importing this module defines `<ecl-peer>`, `<ecl-call>`,
 * `<ecl-data-channel>` and `<ecl-room>` (each only if its tag is still free).
 */
export { EclPeer } from './ecl-peer.js';
export { EclCall, type CallState } from './ecl-call.js';
export { EclDataChannel, type ChannelState } from './ecl-data-channel.js';
export { EclRoom, type RoomState } from './ecl-room.js';
export { findPeerElement, PeerLink, type PeerElementLike } from './peer-link.js';
export { defineOnce } from './define.js';
export type * from './events.js';
