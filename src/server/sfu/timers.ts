/**
 * Every timer the SFU starts goes through here, so `counters().timers` can show
 * that leaving members and closing rooms really release them.
 */
export class TimerSet {
  readonly #live = new Set<ReturnType<typeof setInterval>>();

  get size(): number {
    return this.#live.size;
  }

  every(ms: number, fn: () => void): ReturnType<typeof setInterval> {
    const handle = setInterval(fn, ms);
    // A forgotten retry must never keep the process alive.
    handle.unref?.();
    this.#live.add(handle);
    return handle;
  }

  /** A one-shot timer; it leaves the set when it fires or is cleared. */
  after(ms: number, fn: () => void): ReturnType<typeof setInterval> {
    const handle = setTimeout(() => {
      this.#live.delete(handle);
      fn();
    }, ms);
    handle.unref?.();
    this.#live.add(handle);
    return handle;
  }

  clear(handle: ReturnType<typeof setInterval> | undefined): void {
    if (handle === undefined) return;
    // Node's clearInterval and clearTimeout are interchangeable (one Timeout class).
    clearInterval(handle);
    this.#live.delete(handle);
  }

  clearAll(): void {
    for (const handle of this.#live) clearInterval(handle);
    this.#live.clear();
  }
}
