import type { DataConnection, MediaConnection } from '../sdk/index.js';

/** `ecl-open` of `<ecl-peer>`: the signaling server accepted this Peer ID. */
export interface EclPeerOpenDetail {
  peerId: string;
}
/** `ecl-open` of `<ecl-data-channel>`: the data connection to `remoteId` is open. */
export interface EclChannelOpenDetail {
  remoteId: string;
}
/** `ecl-open` of `<ecl-room>`: joined `name`; `members` are the others already there. */
export interface EclRoomOpenDetail {
  name: string;
  members: string[];
}
export type EclOpenDetail = EclPeerOpenDetail | EclChannelOpenDetail | EclRoomOpenDetail;

/**
 * `type` is one of the SDK's error types (`invalid-key`, `peer-unavailable`, …) or, for
 * failures the elements detect themselves, `media` (camera/microphone refused or missing)
 * and `no-peer` (no `<ecl-peer>` to work with).
 */
export interface EclErrorDetail {
  type: string;
  message: string;
}

export interface EclCallDetail {
  call: MediaConnection;
}
export interface EclConnectionDetail {
  connection: DataConnection;
}
export interface EclIncomingDetail {
  call: MediaConnection;
  remoteId: string;
}
/** `ecl-stream` of `<ecl-call>` carries `remoteId`; of `<ecl-room>` carries `peerId`. */
export type EclStreamDetail = { stream: MediaStream; remoteId: string } | { stream: MediaStream; peerId: string };
/** `ecl-data` of `<ecl-data-channel>` carries `remoteId`; of `<ecl-room>` carries `src`. */
export type EclDataDetail = { data: unknown; remoteId: string } | { data: unknown; src: string };
export interface EclMemberDetail {
  peerId: string;
}
/** `ecl-close`: what closed (a call, a data connection, a room or the Peer). */
export interface EclCloseDetail {
  remoteId?: string;
  name?: string;
}

declare global {
  interface HTMLElementEventMap {
    'ecl-open': CustomEvent<EclOpenDetail>;
    'ecl-error': CustomEvent<EclErrorDetail>;
    'ecl-call': CustomEvent<EclCallDetail>;
    'ecl-connection': CustomEvent<EclConnectionDetail>;
    'ecl-close': CustomEvent<EclCloseDetail>;
    'ecl-disconnected': CustomEvent<{ peerId: string }>;
    'ecl-incoming': CustomEvent<EclIncomingDetail>;
    'ecl-stream': CustomEvent<EclStreamDetail>;
    'ecl-data': CustomEvent<EclDataDetail>;
    'ecl-peer-join': CustomEvent<EclMemberDetail>;
    'ecl-peer-leave': CustomEvent<EclMemberDetail>;
  }
}

type EclEventName = {
  [K in keyof HTMLElementEventMap]: K extends `ecl-${string}` ? K : never;
}[keyof HTMLElementEventMap];
type DetailOf<K extends EclEventName> = HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Every element event crosses shadow roots so a page can listen on any ancestor. */
export function fire<K extends EclEventName>(target: EventTarget, type: K, detail: DetailOf<K>): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** Error-like values from the SDK, the media APIs or our own checks, normalised for `ecl-error`. */
export function errorDetail(err: unknown, fallbackType = 'error'): EclErrorDetail {
  if (err && typeof err === 'object') {
    const e = err as { type?: unknown; name?: unknown; message?: unknown };
    const type = typeof e.type === 'string' ? e.type : fallbackType;
    return { type, message: typeof e.message === 'string' ? e.message : String(err) };
  }
  return { type: fallbackType, message: String(err) };
}
