/**
 * The per-message JavaScript work each server does to relay one ~4 KB offer, timed in
 * isolation (no sockets, no other load), to explain a gap in the end-to-end figures:
 * ours runs the real src/protocol functions; PeerJS's step is what peer@1.0.2 does
 * (JSON.parse of the frame text, set `src`, JSON.stringify). Steps of ours that live in
 * src/server/signaling.ts are included only when that file still does them.
 */
import { readFileSync } from 'node:fs';
import { decodeFrame, encodeFrame, parseClientMessage } from '../../src/protocol/index.js';
import { ROOT } from '../lib/servers.js';

export interface HotPathRow {
  step: string;
  oursUs?: number;
  peerjsUs?: number;
}

function timeUs(f: () => unknown, n = 50_000): number {
  for (let i = 0; i < 5_000; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return ((performance.now() - t) * 1000) / n;
}

export function hotPath(sdp: string): HotPathRow[] {
  const ours = Buffer.from(JSON.stringify({ type: 'signal', dst: 'callee', connectionId: 'c123456', connectionType: 'media', signal: { type: 'offer', sdp } }));
  const theirs = Buffer.from(JSON.stringify({ type: 'OFFER', dst: 'callee', payload: { type: 'media', connectionId: 'c123456', sdp: { type: 'offer', sdp } } }));
  const server = readFileSync(`${ROOT}src/server/signaling.ts`, 'utf8');
  const copies = server.includes('Buffer.from(data as ArrayBuffer)');
  const rows: HotPathRow[] = [];
  if (copies) rows.push({ step: '`Buffer.from(data)` on the received Buffer (a copy; src/server/signaling.ts #onFrame)', oursUs: timeUs(() => Buffer.from(ours)) });
  rows.push({ step: 'frame → text → object (`decodeFrame` / `JSON.parse`)', oursUs: timeUs(() => decodeFrame(ours.toString('utf8'))), peerjsUs: timeUs(() => JSON.parse(theirs.toString())) });
  const raw = decodeFrame(ours.toString('utf8'));
  rows.push({ step: 'schema validation (`parseClientMessage`, valibot)', oursUs: timeUs(() => parseClientMessage(raw)) });
  const parsed = parseClientMessage(raw);
  if (!parsed.ok || parsed.message.type !== 'signal') throw new Error(`hot path: sample offer did not validate`);
  const m = parsed.message;
  const out = { type: 'signal', src: 'caller', connectionId: m.connectionId, connectionType: m.connectionType, signal: m.signal, options: m.options };
  const peerMsg = JSON.parse(theirs.toString()) as Record<string, unknown>;
  rows.push({
    step: 'object → frame text (`encodeFrame`: binary check + JSON.stringify / `JSON.stringify`)',
    oursUs: timeUs(() => encodeFrame(out)),
    peerjsUs: timeUs(() => {
      peerMsg.src = 'caller';
      return JSON.stringify(peerMsg);
    }),
  });
  const sum = (k: 'oursUs' | 'peerjsUs') => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
  rows.push({ step: '**sum**', oursUs: sum('oursUs'), peerjsUs: sum('peerjsUs') });
  return rows;
}
