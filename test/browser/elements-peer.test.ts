import { expect, fixture, html } from '@open-wc/testing';
import type { EclPeer } from '../../src/elements/index.js';
import { env, serverState, waitFor } from './helpers/env.js';
import { eventOn, opened, record, uid } from './elements-support.js';

async function container(): Promise<HTMLElement> {
  return fixture<HTMLElement>(html`<div></div>`);
}

function makePeer(attrs: Record<string, string>): EclPeer {
  const el = document.createElement('ecl-peer');
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
}

describe('<ecl-peer>', () => {
  it('opens with a chosen id and registers it on the server', async () => {
    const id = uid('chosen');
    const el = makePeer({ 'peer-id': id });
    const open = eventOn<{ peerId: string }>(el, 'ecl-open');
    (await container()).append(el);
    const event = await open;
    expect(event.detail.peerId).to.equal(id);
    expect(event.bubbles && event.composed).to.equal(true);
    expect(el.open).to.equal(true);
    expect(el.peerId).to.equal(id);
    expect(el.peer?.id).to.equal(id);
    expect((await serverState()).peers).to.include(id);
  });

  it('opens with a random id, exposes it as peerId and keeps that one Peer', async () => {
    const el = makePeer({});
    const open = eventOn<{ peerId: string }>(el, 'ecl-open');
    const closes = record(el, 'ecl-close');
    (await container()).append(el);
    const { peerId } = (await open).detail;
    expect(peerId).to.match(/^[A-Za-z0-9_-]{21}$/);
    const peer = el.peer;
    await el.updateComplete;
    // Writing the assigned id into `peerId` must not be mistaken for a request for a new Peer.
    expect(el.peerId).to.equal(peerId);
    expect(el.peer).to.equal(peer);
    expect(closes).to.have.length(0);
    expect((await serverState()).peers).to.include(peerId);
  });

  it('reports invalid-key as ecl-error and does not open', async () => {
    const { restrictedSignaling } = await env();
    const el = makePeer({ 'api-key': 'no-such-key', server: restrictedSignaling, 'show-status': '' });
    const error = eventOn<{ type: string; message: string }>(el, 'ecl-error');
    (await container()).append(el);
    const { detail } = await error;
    expect(detail.type).to.equal('invalid-key');
    expect(detail.message).to.be.a('string').and.not.empty;
    expect(el.open).to.equal(false);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('Error');
  });

  it('recreates its Peer when peer-id changes, and destroys it when removed', async () => {
    const first = uid('first');
    const second = uid('second');
    const el = makePeer({ 'peer-id': first });
    (await container()).append(el);
    await opened(el);
    const closed = eventOn(el, 'ecl-close');
    const reopened = eventOn<{ peerId: string }>(el, 'ecl-open');
    el.setAttribute('peer-id', second);
    await closed;
    expect((await reopened).detail.peerId).to.equal(second);
    await waitFor(async () => {
      const { peers } = await serverState();
      return peers.includes(second) && !peers.includes(first);
    }, 'the server to hold the new id only');

    const gone = eventOn(el, 'ecl-close');
    el.remove();
    await gone;
    expect(el.peer).to.equal(null);
    await waitFor(async () => !(await serverState()).peers.includes(second), 'removal to free the id');
  });

  it('keeps its Peer when moved within the page', async () => {
    const id = uid('moved');
    const root = await container();
    const a = document.createElement('div');
    const b = document.createElement('div');
    root.append(a, b);
    const el = makePeer({ 'peer-id': id });
    a.append(el);
    await opened(el);
    const peer = el.peer;
    const closes = record(el, 'ecl-close');
    b.append(el);
    await el.updateComplete;
    await Promise.resolve();
    expect(closes).to.have.length(0);
    expect(el.peer).to.equal(peer);
    expect(el.open).to.equal(true);
  });

  it('lets a child that upgrades after ecl-open, and one outside naming it by id, use the Peer', async () => {
    const id = uid('host');
    const root = await container();
    const el = makePeer({ 'peer-id': id, id: `${id}-el` });
    root.append(el);
    await opened(el);
    // Both children arrive after the Peer opened: they must still see it as open.
    const inside = document.createElement('ecl-data-channel');
    const outside = document.createElement('ecl-data-channel');
    outside.setAttribute('peer', `${id}-el`);
    el.append(inside);
    root.append(outside);
    const [a, b] = await Promise.all([
      (inside as unknown as { link: { whenOpen(): Promise<unknown> } }).link.whenOpen(),
      (outside as unknown as { link: { whenOpen(): Promise<unknown> } }).link.whenOpen(),
    ]);
    expect(a).to.equal(el.peer);
    expect(b).to.equal(el.peer);
  });

  it('reports no-peer for an element without an <ecl-peer>', async () => {
    const root = await container();
    const orphan = document.createElement('ecl-data-channel');
    const error = eventOn<{ type: string }>(orphan, 'ecl-error');
    root.append(orphan);
    expect((await error).detail.type).to.equal('no-peer');
  });
});
