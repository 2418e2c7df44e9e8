import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type ServerMessage } from '../../src/protocol/index.js';
import { createEclServer, type CreateOptions, type EclServer } from '../../src/server/index.js';

export async function startServer(options: CreateOptions = {}): Promise<EclServer> {
  const keys = options.keysFile ? {} : { apiKeys: { demo: {}, other: {} } };
  return createEclServer({ port: 0, ...keys, ...options });
}

/** A raw protocol client: every frame the server sends is kept, and tests wait for the one they expect. */
export class Client {
  readonly received: ServerMessage[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  #waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  #closed: Promise<number>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data, isBinary) => {
      const raw = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      const message = decodeFrame(isBinary ? new Uint8Array(raw) : raw.toString('utf8')) as ServerMessage;
      this.received.push(message);
      this.#waiters = this.#waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
    this.#closed = new Promise((resolve) =>
      this.ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    this.ws.on('error', () => undefined);
  }

  static async open(server: Pick<EclServer, 'signalingUrl'>, query: string, headers?: Record<string, string>): Promise<Client & { id: string; token: string }> {
    const client = new Client(`${server.signalingUrl}?${query}`, headers);
    const first = await client.next((m) => m.type === 'open' || m.type === 'error');
    if (first.type !== 'open') throw new Error(`expected open, got ${JSON.stringify(first)}`);
    return Object.assign(client, { id: first.peerId, token: first.sessionToken });
  }

  send(message: object | string | Buffer): void {
    this.ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : encodeFrame(message));
  }

  /** The first message (already received or still to come) that matches. */
  next<T extends ServerMessage['type']>(type: T, extra?: (m: Extract<ServerMessage, { type: T }>) => boolean): Promise<Extract<ServerMessage, { type: T }>>;
  next(match: (m: ServerMessage) => boolean): Promise<ServerMessage>;
  next(arg: string | ((m: ServerMessage) => boolean), extra?: (m: never) => boolean): Promise<ServerMessage> {
    const match =
      typeof arg === 'function' ? arg : (m: ServerMessage) => m.type === arg && (!extra || extra(m as never));
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${String(typeof arg === 'string' ? arg : 'matching')} message within 5 s; got ${JSON.stringify(this.received)}`)), 5000);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  closed(): Promise<number> {
    return this.#closed;
  }

  close(code = 1000): Promise<number> {
    this.ws.close(code);
    return this.#closed;
  }
}

export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
