import { expect, fixture, html } from '@open-wc/testing';
import type { EclPeer, EclRoom } from '../../src/elements/index.js';
import { serverState, videoDecodes, waitFor } from './helpers/env.js';
import { eventOn, opened, part, parts, uid } from './elements-support.js';

/** `count` `<ecl-peer>`s, each with an `<ecl-room>` not yet named (so nobody joins early). */
async function members(count: number, attrs: { receiveOnly?: boolean; mode?: 'sfu' } = {}) {
  const ids = Array.from({ length: count }, (_, i) => uid(`m${i}`));
  const root = await fixture<HTMLElement>(html`<div></div>`);
  for (const id of ids) {
    const peer = document.createElement('ecl-peer');
    peer.setAttribute('peer-id', id);
    const room = document.createElement('ecl-room');
    if (attrs.receiveOnly) room.setAttribute('receive-only', '');
    if (attrs.mode) room.setAttribute('mode', attrs.mode);
    peer.append(room);
    root.append(peer);
  }
  await Promise.all([...root.querySelectorAll('ecl-peer')].map((el) => opened(el as EclPeer)));
  const rooms = [...root.querySelectorAll('ecl-room')] as EclRoom[];
  return { ids, rooms };
}

/** Joins one member at a time, each waiting for ecl-open, so the order is known. */
async function joinAll(rooms: EclRoom[], name: string): Promise<void> {
  for (const room of rooms) {
    const open = eventOn(room, 'ecl-open', `ecl-open of a room member`);
    room.name = name;
    await open;
  }
}

function remoteTileIds(room: EclRoom): string[] {
  return parts(room, 'remote-tile').map((tile) => tile.dataset.peerId!).sort();
}

describe('<ecl-room>', () => {
  it('three members: each renders a tile per other member with its id and decoded video', async () => {
    const { ids, rooms } = await members(3);
    const name = uid('room');
    await joinAll(rooms, name);
    expect(rooms[2]!.members.sort()).to.deep.equal([ids[0], ids[1]].sort());

    for (const [i, room] of rooms.entries()) {
      const others = ids.filter((_, j) => j !== i).sort();
      await waitFor(() => remoteTileIds(room).join() === others.join(), `member ${i} shows tiles for ${others}`);
      await room.updateComplete;
      for (const tile of parts(room, 'remote-tile')) {
        const id = tile.dataset.peerId!;
        expect(tile.querySelector('[part~="label"]')!.textContent!.trim()).to.equal(id);
        await waitFor(() => Boolean(tile.querySelector('video')?.srcObject), `stream of ${id} at member ${i}`);
        // The element plays each member's video itself (videoDecodes would otherwise start a paused one).
        await waitFor(() => !tile.querySelector('video')!.paused, `the element plays ${id}'s video at member ${i}`);
        await videoDecodes(tile.querySelector('video')!, `video of ${id} at member ${i}`);
      }
      // This browser allows autoplay: a play button here would only confuse (it came from an interrupted play()).
      await room.updateComplete;
      expect(part(room, 'play-button') !== null, `member ${i} shows a play button`).to.equal(false);
      expect(part(room, 'local-tile')).to.not.equal(null);
      expect(room.room).to.not.equal(null);
    }
    const state = await serverState();
    expect(state.rooms.find((r) => r.name === name)?.members.sort()).to.deep.equal([...ids].sort());
  });

  it('mode="sfu": two members see each other through the server', async () => {
    const { ids, rooms } = await members(2, { mode: 'sfu' });
    const name = uid('sfu');
    await joinAll(rooms, name);
    for (const [i, room] of rooms.entries()) {
      const other = ids[1 - i]!;
      await waitFor(() => remoteTileIds(room).join() === other, `member ${i} shows a tile for ${other}`);
      const tile = parts(room, 'remote-tile')[0]!;
      await waitFor(() => Boolean(tile.querySelector('video')?.srcObject), `stream of ${other} at member ${i}`);
      await videoDecodes(tile.querySelector('video')!, `SFU video of ${other} at member ${i}`);
    }
    const state = await serverState();
    expect(state.rooms.find((r) => r.name === name)?.mode).to.equal('sfu');
    // Leave explicitly and wait until the server let go, so later SFU tests start from a clean SFU.
    for (const room of rooms) room.leave();
    await waitFor(async () => !(await serverState()).rooms.some((r) => r.name === name), 'the SFU room to be removed');
  });

  it('a refused join is reported once and not retried until the name changes', async () => {
    const { ids, rooms } = await members(1, { receiveOnly: true });
    const room = rooms[0]!;
    const errors: string[] = [];
    room.addEventListener('ecl-error', (e) => errors.push((e as CustomEvent<{ type: string }>).detail.type));
    room.name = 'bad\u0001name';
    await room.updateComplete;
    await room.updateComplete;
    await room.updateComplete;
    expect(errors).to.deep.equal(['room-error']);
    expect(room.roomState).to.equal('idle');
    const open = eventOn<{ name: string }>(room, 'ecl-open');
    const good = uid('good');
    room.name = good;
    expect((await open).detail.name).to.equal(good);
    expect((await serverState()).rooms.find((r) => r.name === good)?.members).to.deep.equal(ids);
  });

  it('send() reaches the others as ecl-data with src', async () => {
    const { ids, rooms } = await members(3, { receiveOnly: true });
    await joinAll(rooms, uid('chat'));
    const got = [eventOn<{ src: string; data: unknown }>(rooms[1]!, 'ecl-data'), eventOn<{ src: string; data: unknown }>(rooms[2]!, 'ecl-data')];
    rooms[0]!.send({ text: 'hi all' });
    for (const event of await Promise.all(got)) expect(event.detail).to.deep.equal({ src: ids[0], data: { text: 'hi all' } });
  });

  it('changing name moves the member to the other room', async () => {
    const { ids, rooms } = await members(3, { receiveOnly: true });
    const first = uid('first');
    const second = uid('second');
    await joinAll(rooms, first);
    const [mover, stay1, stay2] = rooms as [EclRoom, EclRoom, EclRoom];
    const leaves = [eventOn<{ peerId: string }>(stay1, 'ecl-peer-leave'), eventOn<{ peerId: string }>(stay2, 'ecl-peer-leave')];
    const closed = eventOn<{ name: string }>(mover, 'ecl-close');
    const reopened = eventOn<{ name: string; members: string[] }>(mover, 'ecl-open');
    mover.setAttribute('name', second);
    expect((await closed).detail.name).to.equal(first);
    const open = (await reopened).detail;
    expect(open.name).to.equal(second);
    expect(open.members).to.deep.equal([]);
    for (const event of await Promise.all(leaves)) expect(event.detail.peerId).to.equal(ids[0]);
    await stay1.updateComplete;
    expect(remoteTileIds(stay1)).to.deep.equal([ids[2]]);
    await waitFor(async () => {
      const { rooms: all } = await serverState();
      const a = all.find((r) => r.name === first)?.members.sort().join();
      const b = all.find((r) => r.name === second)?.members.join();
      return a === [ids[1], ids[2]].sort().join() && b === ids[0];
    }, 'the server to show the move');
  });

  it('removing the element leaves the room; leave() and the leave button too', async () => {
    const { ids, rooms } = await members(3, { receiveOnly: true });
    const name = uid('leavers');
    await joinAll(rooms, name);
    const [a, b, c] = rooms as [EclRoom, EclRoom, EclRoom];

    const aSeesB = eventOn<{ peerId: string }>(a, 'ecl-peer-leave');
    const cSeesB = eventOn<{ peerId: string }>(c, 'ecl-peer-leave');
    b.remove();
    expect((await aSeesB).detail.peerId).to.equal(ids[1]);
    expect((await cSeesB).detail.peerId).to.equal(ids[1]);

    await c.updateComplete;
    const cGone = eventOn<{ peerId: string }>(a, 'ecl-peer-leave');
    const cClosed = eventOn(c, 'ecl-close');
    part<HTMLButtonElement>(c, 'leave-button')!.click();
    await cClosed;
    expect((await cGone).detail.peerId).to.equal(ids[2]);
    await c.updateComplete;
    expect(c.roomState).to.equal('left');
    expect(part(c, 'join-button')).to.not.equal(null);

    a.leave();
    await waitFor(async () => !(await serverState()).rooms.some((r) => r.name === name), 'the empty room to be removed');
  });
});
