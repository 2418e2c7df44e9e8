import type { PeerSession } from './session.js';
import { Room, type RoomMode } from './rooms.js';

/** Everything one API key can see. Keys never share peers or rooms: that is the namespace rule. */
export class Namespace {
  readonly peers = new Map<string, PeerSession>();
  readonly rooms = new Map<string, Room>();

  constructor(readonly key: string) {}

  get empty(): boolean {
    return this.peers.size === 0 && this.rooms.size === 0;
  }
}

/** The in-memory registry of the embedded (single-process) server. */
export class Registry {
  readonly #namespaces = new Map<string, Namespace>();

  constructor(private readonly roomLogSize: number) {}

  namespace(key: string): Namespace {
    let ns = this.#namespaces.get(key);
    if (!ns) {
      ns = new Namespace(key);
      this.#namespaces.set(key, ns);
    }
    return ns;
  }

  peek(key: string): Namespace | undefined {
    return this.#namespaces.get(key);
  }

  openRoom(ns: Namespace, name: string, mode: RoomMode): Room {
    let room = ns.rooms.get(name);
    if (!room) {
      room = new Room(name, mode, this.roomLogSize);
      ns.rooms.set(name, room);
    }
    return room;
  }

  /** Rooms exist only while they have members. */
  closeRoomIfEmpty(ns: Namespace, room: Room): boolean {
    if (!room.empty) return false;
    ns.rooms.delete(room.name);
    this.forgetIfEmpty(ns);
    return true;
  }

  forgetIfEmpty(ns: Namespace): void {
    if (ns.empty) this.#namespaces.delete(ns.key);
  }

  namespaces(): IterableIterator<Namespace> {
    return this.#namespaces.values();
  }
}
