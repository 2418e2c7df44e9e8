/**
 * The SFU module boundary: the signaling server talks to `Sfu` only through the
 * `SfuPort` shape in ../sfu-port.ts (join, signal, leave, counters, close).
 */
export { Sfu, type SfuOptions } from './sfu.js';
export type { SfuIceOptions } from './config.js';
export type { ForwardingStats, KeyframeWaitPolicy } from './forwarding.js';
export type { SfuMemberSink, SfuPort } from '../sfu-port.js';
