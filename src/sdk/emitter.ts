/**
 * Events in both styles the SDK promises (DESIGN.md §3): ECLWebRTC's `on/off/once`
 * and the DOM's `addEventListener`. Everything goes through EventTarget dispatch so
 * both kinds of listener run in registration order and an exception in one
 * listener is reported by the browser instead of breaking the SDK's own flow.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (payload: any) => void;

/** Maps an event name to the type of its single payload (`void` for none). */
export type EventMap = object;

type Args<T> = [T] extends [void] ? [] : [T];

interface Registration {
  listener: AnyListener;
  wrapper: EventListener;
}

export class Emitter<E extends EventMap = EventMap> extends EventTarget {
  #registrations = new Map<string, Registration[]>();

  on<K extends keyof E & string>(name: K, listener: (payload: E[K]) => void): this {
    this.#add(name, listener, false);
    return this;
  }

  once<K extends keyof E & string>(name: K, listener: (payload: E[K]) => void): this {
    this.#add(name, listener, true);
    return this;
  }

  /** Without `listener`, removes every `on`/`once` listener of `name`. */
  off<K extends keyof E & string>(name: K, listener?: (payload: E[K]) => void): this {
    const list = this.#registrations.get(name);
    if (!list) return this;
    const keep: Registration[] = [];
    for (const reg of list) {
      if (listener === undefined || reg.listener === listener) this.removeEventListener(name, reg.wrapper);
      else keep.push(reg);
    }
    if (keep.length) this.#registrations.set(name, keep);
    else this.#registrations.delete(name);
    return this;
  }

  /** Removes every `on`/`once` listener (of one event, or of all). `addEventListener` ones stay. */
  removeAllListeners(name?: keyof E & string): this {
    const names = name === undefined ? [...this.#registrations.keys()] : [name];
    for (const n of names) this.off(n as keyof E & string);
    return this;
  }

  listenerCount(name: keyof E & string): number {
    return this.#registrations.get(name)?.length ?? 0;
  }

  /** Dispatches `CustomEvent(name, {detail: payload})` to both kinds of listener. */
  emit<K extends keyof E & string>(name: K, ...payload: Args<E[K]>): void {
    this.dispatchEvent(new CustomEvent(name, { detail: payload[0] }));
  }

  #add(name: string, listener: AnyListener, once: boolean): void {
    const reg: Registration = {
      listener,
      wrapper: (event: Event) => {
        if (once) this.#forget(name, reg);
        listener((event as CustomEvent).detail);
      },
    };
    const list = this.#registrations.get(name) ?? [];
    list.push(reg);
    this.#registrations.set(name, list);
    this.addEventListener(name, reg.wrapper, { once });
  }

  #forget(name: string, reg: Registration): void {
    const list = this.#registrations.get(name);
    if (!list) return;
    const rest = list.filter((r) => r !== reg);
    if (rest.length) this.#registrations.set(name, rest);
    else this.#registrations.delete(name);
  }
}
