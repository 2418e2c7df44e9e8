import { expect, fixture, html } from '@open-wc/testing';
import type { EclDataChannel, EclPeer } from '../../src/elements/index.js';
import { eventOn, opened, uid } from './elements-support.js';

type DataEvent = CustomEvent<{ data: unknown; remoteId: string }>;

describe('<ecl-data-channel>', () => {
  it('connects to remote-id, the other side accepts, and data flows both ways', async () => {
    const a = uid('alice');
    const b = uid('bob');
    const root = await fixture<HTMLElement>(html`
      <div>
        <ecl-peer peer-id=${a}><ecl-data-channel remote-id=${b} label="chat"></ecl-data-channel></ecl-peer>
        <ecl-peer peer-id=${b}>
          <ecl-data-channel label="files"></ecl-data-channel>
          <ecl-data-channel label="chat" show-status></ecl-data-channel>
        </ecl-peer>
      </div>
    `);
    await Promise.all([...root.querySelectorAll('ecl-peer')].map((el) => opened(el as EclPeer)));
    const [alice, bobFiles, bobChat] = [...root.querySelectorAll('ecl-data-channel')] as EclDataChannel[];

    const opens = Promise.all([eventOn<{ remoteId: string }>(alice, 'ecl-open'), eventOn<{ remoteId: string }>(bobChat, 'ecl-open')]);
    const connection = await alice.connect();
    const [aliceOpen, bobOpen] = await opens;
    expect(aliceOpen.detail.remoteId).to.equal(b);
    expect(bobOpen.detail.remoteId).to.equal(a);
    expect(connection.label).to.equal('chat');
    expect(alice.open && bobChat.open).to.equal(true);
    // The label decides which element takes the incoming connection.
    expect(bobFiles.connection).to.equal(null);

    const toBob = eventOn(bobChat, 'ecl-data') as Promise<DataEvent>;
    alice.send({ text: 'hello', n: 1 });
    const got = await toBob;
    expect(got.detail).to.deep.equal({ data: { text: 'hello', n: 1 }, remoteId: a });

    const toAlice = eventOn(alice, 'ecl-data') as Promise<DataEvent>;
    const bytes = new Uint8Array([1, 2, 3, 250]);
    bobChat.send(bytes.buffer);
    const back = (await toAlice).detail;
    expect(back.remoteId).to.equal(b);
    expect([...new Uint8Array(back.data as ArrayBuffer)]).to.deep.equal([1, 2, 3, 250]);

    await bobChat.updateComplete;
    expect(bobChat.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('open');

    const closes = Promise.all([eventOn(alice, 'ecl-close'), eventOn(bobChat, 'ecl-close')]);
    alice.close();
    await closes;
    expect(bobChat.open).to.equal(false);
  });

  it('queues send() before the connection opens and connects on its own', async () => {
    const a = uid('early');
    const b = uid('late');
    const root = await fixture<HTMLElement>(html`
      <div>
        <ecl-peer peer-id=${b}><ecl-data-channel serialization="json"></ecl-data-channel></ecl-peer>
      </div>
    `);
    await opened(root.querySelector('ecl-peer') as EclPeer);
    const receiver = root.querySelector('ecl-data-channel') as EclDataChannel;
    const received: unknown[] = [];
    const both = new Promise<void>((resolve) =>
      receiver.addEventListener('ecl-data', (e) => {
        received.push((e as DataEvent).detail.data);
        if (received.length === 2) resolve();
      }),
    );
    // The sender exists (and sends) before its Peer is even open.
    const peer = document.createElement('ecl-peer');
    peer.setAttribute('peer-id', a);
    const sender = document.createElement('ecl-data-channel');
    sender.setAttribute('remote-id', b);
    sender.setAttribute('serialization', 'json');
    peer.append(sender);
    root.append(peer);
    sender.send({ first: true });
    sender.send(['second']);
    await both;
    expect(received).to.deep.equal([{ first: true }, ['second']]);
  });

  it('reports peer-unavailable when the remote Peer does not exist', async () => {
    const root = await fixture<HTMLElement>(html`
      <ecl-peer peer-id=${uid('lonely')}><ecl-data-channel remote-id=${uid('nobody')}></ecl-data-channel></ecl-peer>
    `);
    await opened(root as EclPeer);
    const channel = root.querySelector('ecl-data-channel') as EclDataChannel;
    const error = eventOn<{ type: string }>(channel, 'ecl-error');
    const result = channel.connect().then(
      () => 'opened',
      (err: { type?: string }) => err.type,
    );
    expect((await error).detail.type).to.equal('peer-unavailable');
    expect(await result).to.equal('peer-unavailable');
  });
});
