import { expect } from '@open-wc/testing';
import type { ConnectOptions, DataConnection, Peer } from '../../src/sdk/index.js';
import { waitFor } from './helpers/env.js';
import { next, openPeer, randomBytes, sha256, uid } from './sdk-support.js';

async function pair(): Promise<[Peer, Peer]> {
  return Promise.all([openPeer(uid('dc-a')), openPeer(uid('dc-b'))]);
}

/** An open data connection from `a` to `b`: [a's end, b's end]. */
async function link(a: Peer, b: Peer, options: ConnectOptions = {}): Promise<[DataConnection, DataConnection]> {
  const incoming = next<DataConnection>(b, 'connection');
  const out = a.connect(b.id!, options);
  const inc = await incoming;
  await Promise.all([next(out, 'open'), next(inc, 'open')]);
  return [out, inc];
}

/** Collects the next `count` data events. */
function collect(dc: DataConnection, count: number): Promise<unknown[]> {
  return new Promise((resolve) => {
    const seen: unknown[] = [];
    const onData = (value: unknown) => {
      seen.push(value);
      if (seen.length === count) {
        dc.off('data', onData);
        resolve(seen);
      }
    };
    dc.on('data', onData);
  });
}

describe('SDK DataConnection', () => {
  it('the callee gets `connection` with label, metadata and serialization; both open without answer()', async () => {
    const [a, b] = await pair();
    const incoming = next<DataConnection>(b, 'connection');
    const out = a.connect(b.id!, { label: 'chat', metadata: { room: 'x' }, serialization: 'json' });
    const inc = await incoming;
    expect(inc.remoteId).to.equal(a.id);
    expect(inc.label).to.equal('chat');
    expect(inc.metadata).to.deep.equal({ room: 'x' });
    expect(inc.serialization).to.equal('json');
    expect(inc.reliable).to.equal(true);
    await Promise.all([next(out, 'open'), next(inc, 'open')]);
    expect(out.open && inc.open).to.equal(true);
    expect(out.getPeerConnection()).to.be.instanceOf(RTCPeerConnection);
  });

  it('binary: structured values, ArrayBuffer, typed arrays and Blob arrive intact and in order', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b);
    expect(out.serialization).to.equal('binary');
    const blob = new Blob([new Uint8Array(randomBytes(100_000, 7))], { type: 'application/x-test' });
    const ab = randomBytes(1000, 3);
    const floats = new Float32Array([1.5, -2.25, Math.PI]);
    const received = collect(inc, 5);
    out.send({ text: 'héllo', n: 42, list: [1, null, true], bytes: new Uint8Array([1, 2, 3]), raw: new Uint8Array([4, 5]).buffer });
    out.send(blob); // read asynchronously, still delivered in order
    out.send(ab);
    out.send(floats);
    out.send('plain string');
    const [value, gotBlob, gotAb, gotFloats, text] = await received;
    expect(value).to.deep.equal({ text: 'héllo', n: 42, list: [1, null, true], bytes: new Uint8Array([1, 2, 3]), raw: new Uint8Array([4, 5]) });
    expect(gotBlob).to.be.instanceOf(Blob);
    expect((gotBlob as Blob).type).to.equal('application/x-test');
    expect(await sha256(gotBlob as Blob)).to.equal(await sha256(blob));
    expect(gotAb).to.be.instanceOf(ArrayBuffer);
    expect(await sha256(gotAb as ArrayBuffer)).to.equal(await sha256(ab));
    expect(gotFloats).to.be.instanceOf(Float32Array);
    expect([...(gotFloats as Float32Array)]).to.deep.equal([...floats]);
    expect(text).to.equal('plain string');
  });

  it('binary: a 20 MB ArrayBuffer and a 5 MB Blob arrive byte-identical (chunked and reassembled)', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b);
    const big = randomBytes(20 * 1024 * 1024, 11);
    const blob = new Blob([new Uint8Array(randomBytes(5 * 1024 * 1024, 13))], { type: 'video/webm' });
    const received = collect(inc, 2);
    out.send(big);
    out.send(blob);
    expect(out.bufferSize).to.be.greaterThan(0);
    const [gotBig, gotBlob] = await received;
    expect((gotBig as ArrayBuffer).byteLength).to.equal(big.byteLength);
    expect(await sha256(gotBig as ArrayBuffer)).to.equal(await sha256(big));
    expect(gotBlob).to.be.instanceOf(Blob);
    expect(await sha256(gotBlob as Blob)).to.equal(await sha256(blob));
    await waitFor(() => out.bufferSize === 0, 'send queue drains');
  });

  it('backpressure: 50 MB sent in one go neither throws nor loses a byte', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b);
    const parts = Array.from({ length: 50 }, (_, i) => randomBytes(1024 * 1024, i + 100));
    const expected = await Promise.all(parts.map((p) => sha256(p)));
    const received = collect(inc, 50);
    for (const part of parts) out.send(part);
    // Far more than the channel may buffer (Chromium fails sends past 16 MiB): the rest waits in the SDK's queue.
    expect(out.bufferSize).to.be.greaterThan(16 * 1024 * 1024);
    expect(out.getPeerConnection()!.sctp).to.not.equal(null);
    const got = await received;
    expect(await Promise.all(got.map((g) => sha256(g as ArrayBuffer)))).to.deep.equal(expected);
    expect(out.open).to.equal(true);
  });

  it('json: JSON values; binary is refused with a TypeError', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b, { serialization: 'json' });
    const received = collect(inc, 3);
    out.send({ a: [1, 2, { b: 'c' }] });
    out.send('text');
    out.send(12.5);
    expect(await received).to.deep.equal([{ a: [1, 2, { b: 'c' }] }, 'text', 12.5]);
    expect(() => out.send(new ArrayBuffer(4))).to.throw(TypeError);
  });

  it('json: a 3 MB string is chunked and arrives whole', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b, { serialization: 'json' });
    const long = 'ab€'.repeat(1024 * 1024);
    const received = next<string>(inc, 'data');
    out.send(long);
    expect(await received).to.equal(long);
  });

  it('none: strings as strings; ArrayBuffer, typed arrays and Blob as ArrayBuffer', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b, { serialization: 'none' });
    const bytes = randomBytes(300_000, 5);
    const received = collect(inc, 4);
    out.send('hi');
    out.send(bytes);
    out.send(new Uint16Array([1, 2, 3]));
    out.send(new Blob(['blob text']));
    const [text, gotBytes, gotView, gotBlob] = await received;
    expect(text).to.equal('hi');
    expect(await sha256(gotBytes as ArrayBuffer)).to.equal(await sha256(bytes));
    expect(gotView).to.be.instanceOf(ArrayBuffer);
    expect([...new Uint16Array(gotView as ArrayBuffer)]).to.deep.equal([1, 2, 3]);
    expect(new TextDecoder().decode(gotBlob as ArrayBuffer)).to.equal('blob text');
    expect(() => out.send({ not: 'allowed' })).to.throw(TypeError);
  });

  it('send() before open is queued and delivered after open', async () => {
    const [a, b] = await pair();
    const incoming = next<DataConnection>(b, 'connection');
    const out = a.connect(b.id!);
    out.send('early 1');
    out.send({ early: 2 });
    const inc = await incoming;
    expect(await collect(inc, 2)).to.deep.equal(['early 1', { early: 2 }]);
  });

  it('close() reaches the other side', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b);
    const closed = Promise.all([next(out, 'close'), next(inc, 'close')]);
    inc.close();
    await closed;
    expect(out.open).to.equal(false);
    expect(() => out.send('late')).to.throw();
  });

  it('unreliable connections open and deliver', async () => {
    const [a, b] = await pair();
    const [out, inc] = await link(a, b, { reliable: false });
    expect(inc.reliable).to.equal(false);
    const received = next(inc, 'data');
    out.send({ fast: true });
    expect(await received).to.deep.equal({ fast: true });
  });
});
