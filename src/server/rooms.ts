import type { RoomLogEntry } from '../protocol/index.js';

export type RoomMode = 'mesh' | 'sfu';

export interface RoomMember {
  receiveOnly: boolean;
  metadata?: unknown;
}

/** Log entries keep small data as is; larger data is summarized so a busy room's log stays bounded in bytes, not just in count. */
const MAX_LOGGED_DATA_BYTES = 16 * 1024;

export class Room {
  /** Insertion order is join order, which decides who initiates mesh connections. */
  readonly members = new Map<string, RoomMember>();
  readonly #log: RoomLogEntry[] = [];

  constructor(
    readonly name: string,
    readonly mode: RoomMode,
    private readonly logSize: number,
  ) {}

  get empty(): boolean {
    return this.members.size === 0;
  }

  add(peerId: string, member: RoomMember): void {
    this.members.set(peerId, member);
    this.record({ type: 'join', peerId, timestamp: Date.now() });
  }

  remove(peerId: string): boolean {
    if (!this.members.delete(peerId)) return false;
    this.record({ type: 'leave', peerId, timestamp: Date.now() });
    return true;
  }

  recordData(peerId: string, data: unknown, encodedBytes: number): void {
    const logged = encodedBytes <= MAX_LOGGED_DATA_BYTES ? data : { omitted: true, bytes: encodedBytes };
    this.record({ type: 'data', peerId, timestamp: Date.now(), data: logged });
  }

  log(): RoomLogEntry[] {
    return [...this.#log];
  }

  private record(entry: RoomLogEntry): void {
    this.#log.push(entry);
    if (this.#log.length > this.logSize) this.#log.splice(0, this.#log.length - this.logSize);
  }
}
