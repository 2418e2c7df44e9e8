/**
 * Proves `npm run bench` works end to end, with tiny sizes: every suite runs once
 * against real servers and real Chromium and produces its table. No figures are
 * checked (timing belongs in bench/results.md, not in tests); only that each
 * contender that can run produced a measurement. Ours may be absent before
 * `npm run build`, which the suites report as "cannot run".
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSection, writeSection } from '../../bench/lib/results.js';
import { runBundle } from '../../bench/suites/bundle.js';
import { runSetup } from '../../bench/suites/setup.js';
import { runSignaling } from '../../bench/suites/signaling.js';
import { runThroughput } from '../../bench/suites/throughput.js';

const log = () => {};
const oursBuilt = existsSync(new URL('../../dist/ecl-webrtc.js', import.meta.url));

/** The row of a markdown table whose first cell starts with `label`. */
function row(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${label}`));
  assert.ok(line, `no table row "${label}" in:\n${markdown}`);
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

const isNumber = (cell: string) => /^-?\d+(\.\d+)?/.test(cell);

test('results.md sections are rewritten one at a time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  const path = join(dir, 'results.md');
  try {
    writeSection('setup', 'first', path);
    writeSection('sfu', 'owned by bench/sfu.ts', path);
    writeSection('setup', 'second', path);
    assert.equal(readSection('setup', path), 'second');
    assert.equal(readSection('sfu', path), 'owned by bench/sfu.ts');
    assert.equal(readFileSync(path, 'utf8').match(/<!-- setup:start -->/g)?.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('call setup suite measures every contender once', { timeout: 60_000 }, async () => {
  const md = await runSetup({ runs: 1, warmup: 0, log });
  const cells = row(md, 'call() → first remote frame at caller');
  // Columns: metric, ours median, ours p95, PeerJS median, PeerJS p95, floor median, floor p95, ratio.
  assert.ok(isNumber(cells[3]) && isNumber(cells[5]), `PeerJS and floor measured: ${cells.join(' | ')}`);
  assert.ok(oursBuilt ? isNumber(cells[1]) : cells[1] === 'cannot run', `ours: ${cells[1]}`);
  assert.ok(isNumber(row(md, 'connect() → data connection open')[3]));
});

test('throughput suite moves the bytes intact', { timeout: 60_000 }, async () => {
  const md = await runThroughput({ runs: 1, warmup: 0, mib: 1, log });
  for (const size of ['64 KiB', '1 MiB']) {
    const cells = row(md, size);
    // Per contender: median, p95, hash ok; PeerJS at 4..6, floor at 7..9.
    assert.equal(cells[6], '1/1', `PeerJS ${size} hash: ${cells.join(' | ')}`);
    assert.equal(cells[9], '1/1', `floor ${size} hash: ${cells.join(' | ')}`);
    if (oursBuilt) assert.equal(cells[3], '1/1', `ours ${size} hash: ${cells.join(' | ')}`);
  }
});

test('signaling suite connects, relays and reads RSS', { timeout: 60_000 }, async () => {
  const md = await runSignaling({ peers: [20], relayMessages: 200, bursts: 2, pacedMessages: 50, profile: false, settleMs: 200, log });
  const mem = row(md, '20');
  assert.ok(isNumber(mem[4]), `PeerJS KiB/peer: ${mem.join(' | ')}`);
  assert.doesNotMatch(md, /failed|relay error/);
});

test('bundle suite sizes every library', async () => {
  const md = await runBundle();
  for (const name of ['peerjs@1.5.5', 'simple-peer@9.11.1', 'skyway-js@4.4.5', 'livekit-client@2.23.0']) {
    assert.ok(isNumber(row(md, name)[2]), `${name} gzip size`);
  }
  if (oursBuilt) assert.ok(isNumber(row(md, 'ours, ESM')[2]));
});
