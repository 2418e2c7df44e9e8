/**
 * Small helpers for the element tests (test/browser/elements-*.test.ts).
 * Events are awaited by target so a child's bubbling `ecl-open` never satisfies a wait
 * meant for its `<ecl-peer>`.
 */
import '../../src/elements/index.js';
import type { EclPeer } from '../../src/elements/index.js';

export function uid(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The next `type` event dispatched on `target` itself (not one bubbling from a descendant). */
export function eventOn<T = unknown>(target: EventTarget, type: string, what = type): Promise<CustomEvent<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`timed out waiting for ${what}`));
    }, 30_000);
    const listener = (event: Event): void => {
      if (event.target !== target) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(event as CustomEvent<T>);
    };
    target.addEventListener(type, listener);
  });
}

/** Collects every `type` event dispatched on `target` itself. */
export function record<T = unknown>(target: EventTarget, type: string): CustomEvent<T>[] {
  const seen: CustomEvent<T>[] = [];
  target.addEventListener(type, (event) => {
    if (event.target === target) seen.push(event as CustomEvent<T>);
  });
  return seen;
}

/** An element of a component's shadow root by `part` name. */
export function part<T extends Element = HTMLElement>(host: Element, name: string): T | null {
  return host.shadowRoot?.querySelector<T>(`[part~="${name}"]`) ?? null;
}

export function parts<T extends Element = HTMLElement>(host: Element, name: string): T[] {
  return [...(host.shadowRoot?.querySelectorAll<T>(`[part~="${name}"]`) ?? [])];
}

/** Resolves once the `<ecl-peer>` is open, whether that already happened or not. */
export async function opened(peer: EclPeer): Promise<string> {
  if (peer.open && peer.peerId) return peer.peerId;
  const event = await eventOn<{ peerId: string }>(peer, 'ecl-open', `ecl-open of <ecl-peer ${peer.peerId ?? ''}>`);
  return event.detail.peerId;
}
