/**
 * The browser SDK: the ECLWebRTC (skyway-js 4.x) API on the ecl-webrtc server.
 * Porting an ECLWebRTC app means changing its import to this module.
 */
export { Peer, type PeerEvents } from './peer.js';
export { MediaConnection, type MediaConnectionEvents } from './media-connection.js';
export { DataConnection, type DataConnectionEvents } from './data-connection.js';
export { Room, type RoomEvents, type RoomStream, type RoomData, type RoomLogEntry } from './room.js';
export { MeshRoom } from './mesh-room.js';
export { SfuRoom } from './sfu-room.js';
export { PeerError, type ErrorType } from './errors.js';
export { Emitter } from './emitter.js';
export { getDisplayStream, type DisplayStreamOptions } from './display.js';
export type { PeerOptions, CallOptions, ConnectOptions, RoomOptions, Serialization } from './options.js';
export type { PeerContext } from './context.js';
export type { DebugLevel } from './logger.js';
