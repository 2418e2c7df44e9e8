type Handler = (...args: any[]) => void;
interface Listenable {
  on(event: string, fn: Handler): unknown;
  off(event: string, fn: Handler): unknown;
}

/**
 * Subscribes to an SDK emitter (`on`/`off`, ECLWebRTC style) and returns the undo, so an
 * element can drop every listener of a connection it lets go of in one call.
 */
export function listen(emitter: object, event: string, fn: Handler): () => void {
  const target = emitter as Listenable;
  target.on(event, fn);
  return () => {
    target.off(event, fn);
  };
}

/** Holds undo functions and runs them all at once. */
export class Subscriptions {
  private undo: Array<() => void> = [];
  add(...fns: Array<() => void>): void {
    this.undo.push(...fns);
  }
  clear(): void {
    const fns = this.undo;
    this.undo = [];
    for (const fn of fns) fn();
  }
}

/**
 * Marks an incoming call or connection as taken by one element. `Symbol.for` so that two
 * copies of the bundle on one page still agree on who handles what.
 */
const CLAIMED = Symbol.for('ecl-webrtc.claimed');
export function claim(connection: object): boolean {
  const c = connection as { [CLAIMED]?: boolean };
  if (c[CLAIMED]) return false;
  c[CLAIMED] = true;
  return true;
}
export function isClaimed(connection: object): boolean {
  return Boolean((connection as { [CLAIMED]?: boolean })[CLAIMED]);
}
