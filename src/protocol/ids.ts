/** A chosen Peer ID: letters, digits, `-` and `_`, 1–64 characters (DESIGN.md §2). */
export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Room names may be any text a person types, but no control characters and at most 128 characters. */
// eslint-disable-next-line no-control-regex
export const ROOM_NAME_PATTERN = /^[^\u0000-\u001f\u007f]{1,128}$/u;

export function isValidPeerId(id: unknown): id is string {
  return typeof id === 'string' && PEER_ID_PATTERN.test(id);
}

export function isValidRoomName(name: unknown): name is string {
  return typeof name === 'string' && ROOM_NAME_PATTERN.test(name);
}

/** Query parameters of the signaling WebSocket URL. */
export const SIGNALING_PARAMS = { key: 'key', id: 'id', token: 'token' } as const;
