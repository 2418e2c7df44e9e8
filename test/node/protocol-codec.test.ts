import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, encodeFrame } from '../../src/protocol/index.js';

describe('frame codec', () => {
  it('sends plain values as JSON text', () => {
    const frame = encodeFrame({ type: 'room-send', room: 'r', data: { a: [1, 'two'] } });
    assert.equal(typeof frame, 'string');
    assert.deepEqual(decodeFrame(frame), { type: 'room-send', room: 'r', data: { a: [1, 'two'] } });
  });

  it('sends binary as MessagePack, keeping ArrayBuffers and typed arrays byte for byte', () => {
    const buffer = new Uint8Array([9, 8, 7]).buffer;
    const frame = encodeFrame({ type: 'room-send', room: 'r', data: { buffer, view: new Uint8Array([1, 2]), list: [buffer] } });
    assert.ok(frame instanceof Uint8Array);
    const back = decodeFrame(frame) as { data: { buffer: Uint8Array; view: Uint8Array; list: Uint8Array[] } };
    assert.deepEqual([...back.data.buffer], [9, 8, 7]);
    assert.deepEqual([...back.data.view], [1, 2]);
    assert.deepEqual([...back.data.list[0]], [9, 8, 7]);
  });

  it('names the problem when a frame cannot be decoded', () => {
    assert.throws(() => decodeFrame('{'), /not valid JSON/);
    assert.throws(() => decodeFrame(new Uint8Array([0xc1])), /not valid MessagePack/);
  });
});
