/**
 * The signaling protocol: one discriminated union per direction, each a valibot
 * schema so the server (and the SDK, for what it receives) validates every frame
 * before acting on it. Types are inferred from the schemas, never written twice.
 * Objects strip unknown keys rather than refuse them: a client cannot smuggle a
 * field such as `src` through, and a newer client talking to an older server still works.
 */
import * as v from 'valibot';
import { ERROR_TYPES } from './errors.js';
import { PEER_ID_PATTERN, ROOM_NAME_PATTERN } from './ids.js';

const MAX_SDP = 256 * 1024;

export const PeerId = v.pipe(v.string(), v.regex(PEER_ID_PATTERN, 'invalid peer id'));
export const RoomName = v.pipe(v.string(), v.regex(ROOM_NAME_PATTERN, 'invalid room name'));
const ConnectionId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid connection id'));
const RequestId = v.pipe(v.number(), v.integer(), v.minValue(0));
export const ConnectionType = v.picklist(['media', 'data']);
export const RoomMode = v.picklist(['mesh', 'sfu']);
export const Serialization = v.picklist(['binary', 'json', 'none']);

/**
 * WebRTC negotiation payloads in the dialect simple-peer emits and accepts, so
 * the SDK can hand them to simple-peer unchanged and the SFU can speak them too.
 */
export const SignalData = v.variant('type', [
  v.object({ type: v.literal('offer'), sdp: v.pipe(v.string(), v.maxLength(MAX_SDP)) }),
  v.object({ type: v.literal('answer'), sdp: v.pipe(v.string(), v.maxLength(MAX_SDP)) }),
  v.object({
    type: v.literal('candidate'),
    candidate: v.object({
      candidate: v.pipe(v.string(), v.maxLength(1024)),
      sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
      sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)))),
      usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
    }),
  }),
  v.object({ type: v.literal('renegotiate'), renegotiate: v.literal(true) }),
  v.object({
    type: v.literal('transceiverRequest'),
    transceiverRequest: v.object({
      kind: v.picklist(['audio', 'video']),
      init: v.optional(v.record(v.string(), v.unknown())),
    }),
  }),
]);
export type SignalData = v.InferOutput<typeof SignalData>;

/** Sent with the first offer of a connection: what the callee needs to build its side. */
export const ConnectionOptions = v.object({
  metadata: v.optional(v.unknown()),
  label: v.optional(v.pipe(v.string(), v.maxLength(128))),
  serialization: v.optional(Serialization),
  reliable: v.optional(v.boolean()),
  /** Set when the connection belongs to a mesh room rather than the telephone model. */
  room: v.optional(RoomName),
  /** The caller offers no media of its own (receive-only call or room member). */
  receiveOnly: v.optional(v.boolean()),
});
export type ConnectionOptions = v.InferOutput<typeof ConnectionOptions>;

export const RoomLogEntry = v.object({
  type: v.picklist(['join', 'leave', 'data']),
  peerId: v.string(),
  timestamp: v.number(),
  data: v.optional(v.unknown()),
});
export type RoomLogEntry = v.InferOutput<typeof RoomLogEntry>;

// ---------------------------------------------------------------- client → server

export const ClientMessage = v.variant('type', [
  v.object({
    type: v.literal('signal'),
    dst: PeerId,
    connectionId: ConnectionId,
    connectionType: ConnectionType,
    signal: SignalData,
    options: v.optional(ConnectionOptions),
  }),
  /** One side hung up: the other side closes at once instead of waiting for ICE to time out. */
  v.object({ type: v.literal('hangup'), dst: PeerId, connectionId: ConnectionId, connectionType: ConnectionType }),
  v.object({ type: v.literal('list-peers'), requestId: RequestId }),
  v.object({ type: v.literal('peer-exists'), requestId: RequestId, peerId: v.string() }),
  v.object({
    type: v.literal('room-join'),
    room: RoomName,
    mode: RoomMode,
    receiveOnly: v.optional(v.boolean()),
    metadata: v.optional(v.unknown()),
  }),
  v.object({ type: v.literal('room-leave'), room: RoomName }),
  v.object({ type: v.literal('room-send'), room: RoomName, data: v.unknown() }),
  v.object({ type: v.literal('room-log'), requestId: RequestId, room: RoomName }),
  /** Negotiation between a member and the server-side SFU of an `sfu` room. */
  v.object({ type: v.literal('sfu-signal'), room: RoomName, signal: SignalData }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;

// ---------------------------------------------------------------- server → client

export const ServerMessage = v.variant('type', [
  v.object({
    type: v.literal('open'),
    peerId: v.string(),
    sessionToken: v.string(),
    /** The server's configured limits, so the SDK refuses what the server would refuse before sending it. */
    limits: v.object({ maxRoomDataBytes: v.number() }),
  }),
  v.object({
    type: v.literal('error'),
    errorType: v.picklist(ERROR_TYPES),
    message: v.string(),
    requestId: v.optional(v.number()),
    peerId: v.optional(v.string()),
    room: v.optional(v.string()),
    connectionId: v.optional(v.string()),
  }),
  v.object({
    type: v.literal('signal'),
    src: v.string(),
    connectionId: v.string(),
    connectionType: ConnectionType,
    signal: SignalData,
    options: v.optional(ConnectionOptions),
  }),
  v.object({ type: v.literal('hangup'), src: v.string(), connectionId: v.string(), connectionType: ConnectionType }),
  v.object({ type: v.literal('peers'), requestId: v.number(), peers: v.array(v.string()) }),
  v.object({ type: v.literal('peer-exists'), requestId: v.number(), peerId: v.string(), exists: v.boolean() }),
  v.object({
    type: v.literal('room-joined'),
    room: v.string(),
    mode: RoomMode,
    /** Members already in the room, in join order, without the joiner. The joiner connects to each. */
    members: v.array(v.string()),
  }),
  v.object({ type: v.literal('room-left'), room: v.string() }),
  v.object({ type: v.literal('room-peer-join'), room: v.string(), peerId: v.string() }),
  v.object({ type: v.literal('room-peer-leave'), room: v.string(), peerId: v.string() }),
  v.object({ type: v.literal('room-data'), room: v.string(), src: v.string(), data: v.unknown() }),
  v.object({ type: v.literal('room-log'), requestId: v.number(), room: v.string(), log: v.array(RoomLogEntry) }),
  v.object({ type: v.literal('sfu-signal'), room: v.string(), signal: SignalData }),
  /** Which member each forwarded SFU stream belongs to (keyed by the stream id in the server's SDP). */
  v.object({ type: v.literal('sfu-streams'), room: v.string(), streams: v.record(v.string(), v.string()) }),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;

export type ClientMessageOf<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

function parseWith<T>(schema: v.GenericSchema<unknown, T>, value: unknown): ParseResult<T> {
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, message: result.output };
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, reason: path ? `${path}: ${issue.message}` : issue.message };
}

export const parseClientMessage = (value: unknown) => parseWith(ClientMessage, value);
export const parseServerMessage = (value: unknown) => parseWith(ServerMessage, value);
