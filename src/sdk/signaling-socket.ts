import {
  SIGNALING_PARAMS,
  decodeFrame,
  encodeFrame,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '../protocol/index.js';

export interface SocketHandlers {
  message(message: ServerMessage): void;
  /** A frame that failed decoding or validation (a server bug or a foreign server). */
  invalid(reason: string): void;
  close(code: number, reason: string): void;
}

/** `server` option → WebSocket URL. Accepts ws(s)://, http(s):// and paths relative to the page. */
export function signalingUrl(server: string | undefined, params: { key: string; id?: string | null; token?: string | null }): string {
  // baseURI, not location.href: a srcdoc iframe's location is about:srcdoc, its base is its parent's URL.
  const base = typeof document !== 'undefined' ? document.baseURI : typeof location !== 'undefined' ? location.href : 'http://localhost/';
  const url = new URL(server ?? '/signaling', base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.searchParams.set(SIGNALING_PARAMS.key, params.key);
  if (params.id) url.searchParams.set(SIGNALING_PARAMS.id, params.id);
  if (params.token) url.searchParams.set(SIGNALING_PARAMS.token, params.token);
  return url.toString();
}

/**
 * One WebSocket to the signaling server: protocol frames in (validated) and out.
 * After `close()` it reports nothing more, so its owner only hears about sockets it
 * has not given up on.
 */
export class SignalingSocket {
  #ws: WebSocket;
  #handlers: SocketHandlers | null;

  constructor(url: string, handlers: SocketHandlers) {
    this.#handlers = handlers;
    this.#ws = new WebSocket(url);
    this.#ws.binaryType = 'arraybuffer';
    this.#ws.onmessage = (event: MessageEvent<string | ArrayBuffer>) => this.#onMessage(event.data);
    this.#ws.onclose = (event) => {
      const handlers = this.#handlers;
      this.#handlers = null;
      handlers?.close(event.code, event.reason);
    };
    // 'close' always follows 'error' and carries the code; nothing to do here.
    this.#ws.onerror = () => undefined;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  send(message: ClientMessage): void {
    this.#ws.send(encodeFrame(message) as string | Uint8Array<ArrayBuffer>);
  }

  /** 1000 tells the server the ID is free at once; queued sends still go out before the close frame. */
  close(code = 1000, reason = ''): void {
    this.#handlers = null;
    if (this.#ws.readyState === WebSocket.CONNECTING || this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
  }

  #onMessage(data: string | ArrayBuffer): void {
    const handlers = this.#handlers;
    if (!handlers) return;
    let raw: unknown;
    try {
      raw = decodeFrame(data);
    } catch (err) {
      handlers.invalid((err as Error).message);
      return;
    }
    const parsed = parseServerMessage(raw);
    if (parsed.ok) handlers.message(parsed.message);
    else handlers.invalid(parsed.reason);
  }
}
