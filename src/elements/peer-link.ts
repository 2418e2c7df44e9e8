import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Peer } from '../sdk/index.js';
import { fire } from './events.js';

/**
 * What a child element needs from an `<ecl-peer>`. Duck-typed rather than `instanceof`
 * so elements from two copies of the bundle on one page still find each other.
 */
export interface PeerElementLike extends HTMLElement {
  readonly peer: Peer | null;
  readonly open: boolean;
}

function isPeerElement(node: unknown): node is PeerElementLike {
  return node instanceof HTMLElement && node.localName === 'ecl-peer';
}

/**
 * The `<ecl-peer>` named by `id` (looked up in the element's own tree first, then in the
 * document), or else the nearest `<ecl-peer>` ancestor, crossing shadow roots so an
 * element inside another component's template still finds the page's Peer.
 */
export function findPeerElement(from: Element, id?: string | null): PeerElementLike | null {
  if (id) {
    const root = from.getRootNode() as Document | ShadowRoot;
    const named = root.getElementById?.(id) ?? document.getElementById(id);
    return isPeerElement(named) ? named : null;
  }
  let node: Node | null = from.parentNode;
  while (node) {
    if (isPeerElement(node)) return node;
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  return null;
}

export interface PeerLinkHost extends ReactiveControllerHost, HTMLElement {
  /** Value of the host's `peer` attribute: the ID of the `<ecl-peer>` element to use. */
  peerElementId?: string | null;
}

export interface PeerLinkCallbacks {
  /** The linked Peer is open (again, or a new one after `<ecl-peer>` recreated it). */
  open(peer: Peer): void;
  /** The linked Peer closed, or the host let go of it. */
  close(peer: Peer): void;
}

/**
 * Links a child element to its `<ecl-peer>` and tells it when that Peer is open.
 * `<ecl-peer>` may open before or after the child upgrades, so the link both checks the
 * element's `open` property and listens for its `ecl-open`.
 */
export class PeerLink implements ReactiveController {
  element: PeerElementLike | null = null;
  /** The open SDK Peer this host works with, or null while there is none. */
  peer: Peer | null = null;
  private generation = 0;
  private detachElement: (() => void) | null = null;
  private waiters: Array<(peer: Peer) => void> = [];

  constructor(
    private readonly host: PeerLinkHost,
    private readonly callbacks: PeerLinkCallbacks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.attach();
  }

  hostDisconnected(): void {
    this.detach();
  }

  /** Look the `<ecl-peer>` up again (the host's `peer` attribute changed). */
  refresh(): void {
    if (!this.host.isConnected) return;
    this.detach();
    this.attach();
  }

  /** Resolves with the open Peer, now or as soon as there is one. */
  whenOpen(): Promise<Peer> {
    if (this.peer) return Promise.resolve(this.peer);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private attach(): void {
    const generation = ++this.generation;
    const run = (): void => {
      if (generation !== this.generation || !this.host.isConnected) return;
      const element = findPeerElement(this.host, this.host.peerElementId);
      if (!element) {
        // A `peer="id"` may name an element the parser has not reached yet.
        if (document.readyState === 'loading') {
          document.addEventListener('DOMContentLoaded', run, { once: true });
          return;
        }
        const what = this.host.peerElementId ? `no <ecl-peer id="${this.host.peerElementId}">` : 'no <ecl-peer> ancestor';
        fire(this.host, 'ecl-error', { type: 'no-peer', message: `<${this.host.localName}>: ${what}` });
        return;
      }
      this.element = element;
      // Children's own ecl-open/ecl-close bubble through <ecl-peer>: only its own count.
      const onOpen = (event: Event): void => {
        if (event.target === element) this.bind();
      };
      const onClose = (event: Event): void => {
        if (event.target === element) this.unbind();
      };
      element.addEventListener('ecl-open', onOpen);
      element.addEventListener('ecl-close', onClose);
      this.detachElement = () => {
        element.removeEventListener('ecl-open', onOpen);
        element.removeEventListener('ecl-close', onClose);
      };
      this.bind();
    };
    void customElements.whenDefined('ecl-peer').then(run);
  }

  private detach(): void {
    this.generation++;
    this.detachElement?.();
    this.detachElement = null;
    this.unbind();
    this.element = null;
  }

  private bind(): void {
    const element = this.element;
    const peer = element?.open ? element.peer : null;
    if (!peer || peer === this.peer) return;
    if (this.peer) this.unbind();
    this.peer = peer;
    this.callbacks.open(peer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(peer);
  }

  private unbind(): void {
    const peer = this.peer;
    if (!peer) return;
    this.peer = null;
    this.callbacks.close(peer);
  }
}
