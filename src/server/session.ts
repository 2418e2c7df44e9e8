import type { WebSocket } from 'ws';
import { encodeFrame, type Frame, type ServerMessage } from '../protocol/index.js';

/**
 * One registered Peer ID. It outlives its socket: after a drop the session waits
 * (the grace period) for its owner to come back with the session token, queueing
 * what arrives meanwhile so a reconnect loses nothing.
 */
export class PeerSession {
  socket: WebSocket | null;
  /** Cleared on every ping and set by the pong; a socket still false at the next ping is dead. */
  alive = true;
  readonly rooms = new Set<string>();
  graceTimer: NodeJS.Timeout | undefined;
  #queue: Frame[] = [];
  #tokens: number;
  #tokensAt = Date.now();

  constructor(
    readonly key: string,
    readonly id: string,
    readonly token: string,
    socket: WebSocket,
    private readonly limits: { maxQueued: number; ratePerSecond: number; burst: number },
  ) {
    this.socket = socket;
    this.#tokens = limits.burst;
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  send(message: ServerMessage): void {
    this.sendFrame(encodeFrame(message));
  }

  /** Sends an already-encoded frame, so a broadcast encodes once for all members. */
  sendFrame(frame: Frame): void {
    if (this.socket && this.socket.readyState === this.socket.OPEN) {
      this.socket.send(frame);
    } else if (this.#queue.length < this.limits.maxQueued) {
      this.#queue.push(frame);
    }
  }

  attach(socket: WebSocket): void {
    this.socket = socket;
    this.alive = true;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }

  flushQueue(): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const frame of queued) this.sendFrame(frame);
  }

  detach(): void {
    this.socket = null;
  }

  /** Token bucket: returns false when the client exceeds its message rate. */
  takeRateToken(now = Date.now()): boolean {
    const refill = ((now - this.#tokensAt) / 1000) * this.limits.ratePerSecond;
    this.#tokens = Math.min(this.limits.burst, this.#tokens + refill);
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
