/**
 * Suite 3, signaling server: ours vs peer@1.0.2, each server its own process and
 * each load generator (bench/signaling/loadgen.ts) its own process, loopback only.
 * For each N: connect N idle peers → server RSS per peer (VmRSS delta ÷ N); then,
 * with the N peers still connected, relay ~4 KB offers between pairs: closed-loop
 * bursts (capacity, msgs/s, latency at saturation) and an open-loop paced run
 * (latency p50/p99 at a fixed rate). Bursts of the two servers alternate.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, ConnectResult, RelayResult } from '../signaling/loadgen.js';
import { oursMissing, rssKiB, startServer, type RunningServer } from '../lib/servers.js';
import { sleep } from '../lib/session.js';
import { summarize, type ProfileSummary } from '../lib/cpuprofile.js';
import { growthPerPeer, heapByConstructor } from '../lib/heap.js';
import { hotPath, type HotPathRow } from '../signaling/hot-path.js';
import { offerSdp } from '../signaling/offer.js';
import { fmt, median, medianDiffInterval, quantile, ratio } from '../lib/stats.js';
import { table } from '../lib/results.js';

export interface SignalingOptions {
  peers: number[];
  /** Messages per closed-loop burst. */
  relayMessages: number;
  bursts?: number;
  pairs?: number;
  window?: number;
  pacedRate?: number;
  pacedMessages?: number;
  /** Run the profiled pass (default true). */
  profile?: boolean;
  /** Quiet time before each RSS reading (default 2000 ms). */
  settleMs?: number;
  log: (line: string) => void;
}

type Kind = 'ours' | 'peerjs';

class LoadGen {
  private child: ChildProcess;
  private pending?: { resolve: (v: any) => void; reject: (e: Error) => void };
  constructor() {
    this.child = fork(fileURLToPath(new URL('../signaling/loadgen.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: { ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(m.error));
    });
    this.child.on('exit', (code) => this.pending?.reject(new Error(`load generator exited (${code})`)));
  }
  send<T>(c: Command, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load generator: ${c.cmd} timed out`)), timeoutMs);
      this.pending = {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.child.send(c);
    });
  }
  async close() {
    await this.send({ cmd: 'close' }, 10_000).catch(() => this.child.kill('SIGKILL'));
  }
}

interface Side {
  kind: Kind;
  server: RunningServer;
  gen: LoadGen;
  baseKiB: number;
  loadedKiB: number;
  /** heapUsed + external after a forced full GC, before and after connecting, bytes. */
  baseRetained: number;
  loadedRetained: number;
  connect: ConnectResult;
  bursts: RelayResult[];
  paced?: RelayResult;
  /** p50 of each paced segment (ms). */
  pacedSegments: number[];
  /** Profiled pass only: heap self size growth per peer by type:constructor, bytes. */
  heapGrowth?: [string, number][];
  error?: string;
}

interface Row {
  n: number;
  sides: Partial<Record<Kind, Side>>;
  errors: Partial<Record<Kind, string>>;
}

/** RSS after the process has been left alone for a moment (timers, lazy GC). */
let settleMs = 2000;
async function settledRss(server: RunningServer): Promise<number> {
  await sleep(settleMs);
  return server.rssKiB();
}

async function bringUp(kind: Kind, n: number, log: (l: string) => void, cpuProfileDir?: string, snapshotDir?: string): Promise<Side> {
  const server = await startServer(kind === 'ours' ? 'ours' : 'peerjs', { cpuProfileDir });
  const gen = new LoadGen();
  const baseKiB = await settledRss(server);
  const retained = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
  const baseRetained = retained(await server.memoryAfterGc());
  // In the profiled pass: heap snapshots around the connect say which objects each peer keeps.
  const snapBefore = snapshotDir ? await server.heapSnapshot(join(snapshotDir, 'before.heapsnapshot')) : undefined;
  const connect = await gen.send<ConnectResult>({ cmd: 'connect', kind, url: server.url, count: n, prefix: `${kind}${n}p` }, 120_000);
  if (connect.connected < n) throw new Error(`only ${connect.connected}/${n} peers connected (${connect.firstError ?? 'no error text'})`);
  const loadedKiB = await settledRss(server);
  const loadedRetained = retained(await server.memoryAfterGc());
  let heapGrowth: [string, number][] | undefined;
  if (snapBefore && snapshotDir) {
    const after = await server.heapSnapshot(join(snapshotDir, 'after.heapsnapshot'));
    heapGrowth = growthPerPeer(heapByConstructor(snapBefore), heapByConstructor(after), connect.connected);
  }
  log(`${kind} N=${n}: connected in ${connect.ms.toFixed(0)} ms, RSS ${baseKiB} → ${loadedKiB} KiB`);
  return { kind, server, gen, baseKiB, loadedKiB, baseRetained, loadedRetained, connect, bursts: [], pacedSegments: [], heapGrowth };
}

/**
 * While one server is measured the other one's clients stop their idle heartbeats
 * (PeerJS sends one per peer every 5 s), so it does not steal CPU from the measured
 * one on this 2-core machine; the measured server's own clients keep theirs.
 */
async function quiet(live: Side[], measured: Side): Promise<void> {
  for (const side of live) await side.gen.send({ cmd: 'heartbeat', on: side === measured }, 10_000);
}

export async function runSignaling(o: SignalingOptions): Promise<string> {
  settleMs = o.settleMs ?? 2000;
  const bursts = o.bursts ?? 10;
  const pairs = o.pairs ?? 200;
  const window = o.window ?? 2;
  const pacedRate = o.pacedRate ?? 1000;
  const pacedMessages = o.pacedMessages ?? 5000;
  const kinds: Kind[] = [];
  const skipped: Partial<Record<Kind, string>> = {};
  const missing = oursMissing(false);
  if (missing) skipped.ours = missing;
  else kinds.push('ours');
  kinds.push('peerjs');

  const rows: Row[] = [];
  for (const n of o.peers) {
    const row: Row = { n, sides: {}, errors: {} };
    rows.push(row);
    for (const kind of kinds) {
      try {
        row.sides[kind] = await bringUp(kind, n, o.log);
      } catch (e) {
        row.errors[kind] = (e as Error).message.split('\n')[0];
        o.log(`${kind} N=${n}: ${row.errors[kind]}`);
      }
    }
    const live = Object.values(row.sides);
    const burstSize = Math.max(1, Math.floor(o.relayMessages / bursts));
    for (let b = 0; b < bursts; b++) {
      for (const side of live) {
        if (side.error) continue;
        await quiet(live, side);
        try {
          const cpu0 = side.server.cpuMs();
          const r = await side.gen.send<RelayResult>({ cmd: 'burst', pairs: Math.min(pairs, n / 2), messages: burstSize, window, maxMs: 20_000 }, 30_000);
          r.serverCpuMs = side.server.cpuMs() - cpu0;
          side.bursts.push(r);
        } catch (e) {
          side.error = (e as Error).message.split('\n')[0];
        }
      }
    }
    // Paced runs in segments, the servers alternating, so drift in the machine's load hits both alike.
    const segments = 5;
    for (let seg = 0; seg < segments; seg++) {
      for (const side of live) {
        if (side.error) continue;
        await quiet(live, side);
        try {
          const r = await side.gen.send<RelayResult>(
            { cmd: 'paced', pairs: Math.min(pairs, n / 2), rate: pacedRate, messages: Math.ceil(pacedMessages / segments), maxMs: 30_000 },
            40_000,
          );
          side.pacedSegments.push(quantile(r.latencies, 0.5));
          side.paced = side.paced
            ? { ...side.paced, sent: side.paced.sent + r.sent, received: side.paced.received + r.received, ms: side.paced.ms + r.ms, latencies: side.paced.latencies.concat(r.latencies) }
            : r;
        } catch (e) {
          side.error = (e as Error).message.split('\n')[0];
        }
      }
    }
    for (const side of live) {
      await side.gen.close();
      await side.server.stop();
      o.log(`${side.kind} N=${n}: ${side.bursts.length} bursts${side.error ? `, error: ${side.error}` : ''}`);
    }
  }
  const hot = kinds.includes('ours') ? hotPath(offerSdp()) : [];
  const heaps = o.profile === false ? [] : await heapPass(kinds, Math.min(1000, Math.max(...o.peers)), o.log);
  const profiles = o.profile === false ? [] : await profilePass(kinds, Math.min(1000, Math.max(...o.peers)), pairs, window, Math.floor(o.relayMessages / 2), o.log);
  return (
    report(rows, kinds, skipped, { bursts, pairs, window, pacedRate, pacedMessages, burstSize: Math.floor(o.relayMessages / bursts) }) +
    slowerReport(rows, profiles, hot, heaps) +
    profileReport(profiles) +
    heapReport(heaps) +
    (hot.length ? hotPathReport(hot) : '')
  );
}

interface ProfileRun {
  kind: Kind;
  messages: number;
  /** Server CPU time (from /proc) during the profiled burst. */
  burstCpuMs: number;
  heapGrowth?: [string, number][];
  peers?: number;
  summary?: ProfileSummary;
  error?: string;
}

/**
 * A separate pass under `node --cpu-prof` (profiling slows a server, so its figures
 * stay out of the tables above): N peers, then `messages` relayed offers, then where
 * the server's CPU time went, per relayed message.
 */
async function profilePass(kinds: Kind[], n: number, pairs: number, window: number, messages: number, log: (l: string) => void): Promise<ProfileRun[]> {
  const runs: ProfileRun[] = [];
  for (const kind of kinds) {
    const dir = mkdtempSync(join(tmpdir(), `bench-prof-${kind}-`));
    const run: ProfileRun = { kind, messages: 0, burstCpuMs: 0 };
    runs.push(run);
    let side: Side | undefined;
    try {
      side = await bringUp(kind, n, log, dir);
      const cpu0 = side.server.cpuMs();
      const r = await side.gen.send<RelayResult>({ cmd: 'burst', pairs: Math.min(pairs, n / 2), messages, window, maxMs: 60_000 }, 70_000);
      run.messages = r.received;
      run.burstCpuMs = side.server.cpuMs() - cpu0;
    } catch (e) {
      run.error = (e as Error).message.split('\n')[0];
    } finally {
      await side?.gen.close();
      await side?.server.stop();
    }
    // One profile per thread; thread 0 is the server's main thread (the others are tsx's loader).
    const main = readdirSync(dir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
    if (main && !run.error && run.messages > 0) run.summary = summarize(join(dir, main));
    else run.error ??= 'no CPU profile was written';
    rmSync(dir, { recursive: true, force: true });
  }
  return runs;
}

/**
 * µs per relayed offer in one profile category. The sampling profiler counts wall time
 * (a descheduled thread still collects samples where it stopped), which on a busy 2-core
 * machine inflates every category alike; so samples give only the shares, and the
 * absolute figure is that share of the CPU time /proc measured for the burst.
 */
function perOffer(r: ProfileRun, category?: string): number {
  const relayBusy = r.summary!.categories.filter(([k]) => !k.startsWith('module loading')).reduce((a, [, ms]) => a + ms, 0);
  const ms = category === undefined ? relayBusy : (r.summary!.categories.find(([k]) => k === category)?.[1] ?? 0);
  return ((ms / relayBusy) * r.burstCpuMs * 1000) / r.messages;
}

function profileReport(runs: ProfileRun[]): string {
  if (!runs.length) return '';
  const done = runs.filter((r) => r.summary && r.messages > 0);
  const cats = [...new Set(done.flatMap((r) => r.summary!.categories.map(([c]) => c)))].filter((c) => !c.startsWith('module loading'));
  const rows = cats.map((c) => [c, ...done.map((r) => fmt(perOffer(r, c), 1))]);
  rows.push(['**server CPU per offer (/proc)**', ...done.map((r) => fmt(perOffer(r), 1))]);
  const top = done.map((r) => {
    const relayBusy = r.summary!.categories.filter(([k]) => !k.startsWith('module loading')).reduce((a, [, ms]) => a + ms, 0);
    return `- ${r.kind === 'ours' ? 'ours' : 'PeerJS'}, top functions by share of samples: ${r.summary!.functions
      .slice(0, 8)
      .map(([f, ms]) => `\`${f}\` ${fmt((100 * ms) / relayBusy, 1)} %`)
      .join('; ')}.`;
  });
  return [
    '',
    '',
    '### Where the server CPU goes (profiled pass)',
    '',
    table(['µs per relayed offer', ...done.map((r) => (r.kind === 'ours' ? 'ours' : 'PeerJS'))], rows),
    '',
    `- A separate run of each server under \`node --cpu-prof\` (not used for the figures above): ${done.map((r) => `${r.messages} offers`).join(' / ')} relayed between the same pairs with 1000 peers connected. The profile gives each category's share of the server's samples (startup module loading left out); the µs are that share of the server CPU time /proc measured during the burst, per offer, because the sampler counts wall time and a descheduled process inflates every category alike on this shared 2-core machine.`,
    ...top,
    ...runs.filter((r) => r.error).map((r) => `- **${r.kind} profile failed:** ${r.error}`),
  ].join('\n');
}

/** A third pass, neither timed nor profiled: heap snapshots before and after connecting n peers. */
async function heapPass(kinds: Kind[], n: number, log: (l: string) => void): Promise<ProfileRun[]> {
  const runs: ProfileRun[] = [];
  for (const kind of kinds) {
    const dir = mkdtempSync(join(tmpdir(), `bench-heap-${kind}-`));
    const run: ProfileRun = { kind, messages: 0, burstCpuMs: 0 };
    runs.push(run);
    let side: Side | undefined;
    try {
      side = await bringUp(kind, n, log, undefined, dir);
      run.heapGrowth = side.heapGrowth;
      run.peers = side.connect.connected;
    } catch (e) {
      run.error = (e as Error).message.split('\n')[0];
    } finally {
      await side?.gen.close();
      await side?.server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return runs;
}

function heapReport(runs: ProfileRun[]): string {
  const withHeap = runs.filter((r) => r.heapGrowth);
  if (!withHeap.length) return '';
  const lines = withHeap.map((r) => {
    const total = r.heapGrowth!.reduce((a, [, b]) => a + b, 0);
    // Compiled code and VM-internal ("synthetic") nodes grow with code paths run once, not per peer.
    const top = r.heapGrowth!.filter(([k]) => k !== 'code' && k !== 'synthetic').slice(0, 8).map(([k, b]) => `\`${k}\` ${fmt(b, 0)} B`);
    return `- ${r.kind === 'ours' ? 'ours' : 'PeerJS'}: ${fmt(total / 1024, 2)} KiB of V8 heap per peer (${r.peers} peers); biggest growth per peer: ${top.join(', ')}.`;
  });
  return ['', '', '### What each idle peer keeps on the server\'s heap (heap snapshots, separate pass)', '', ...lines, '', '- A separate pass (not timed, not profiled): two heap snapshots per server, each after a forced GC, before and after connecting the peers; self size per node type:constructor, difference ÷ peers. The list leaves out compiled code and VM-internal nodes (they grow with code paths run once, not per peer) but the total includes them. Buffers\' backing stores and socket memory outside the V8 heap are not in these figures (they are in "retained after full GC" as `external`).'].join('\n');
}

function report(
  rows: Row[],
  kinds: Kind[],
  skipped: Partial<Record<Kind, string>>,
  p: { bursts: number; pairs: number; window: number; pacedRate: number; pacedMessages: number; burstSize: number },
): string {
  const perPeer = (s?: Side) => (s ? (s.loadedKiB - s.baseKiB) / (s.connect.connected || 1) : undefined);
  const rates = burstRates;
  const burstLat = (s?: Side) => s?.bursts.flatMap((b) => b.latencies) ?? [];
  const cell = (kind: Kind, row: Row, f: (s: Side) => string) =>
    skipped[kind] ? 'cannot run' : row.errors[kind] ? 'failed' : row.sides[kind] ? f(row.sides[kind]!) : '—';
  const lost = (s: Side) => s.bursts.reduce((a, b) => a + b.sent - b.received, 0) + (s.paced ? s.paced.sent - s.paced.received : 0);

  const mem = table(
    ['idle peers', 'ours RSS before → after (MiB)', 'ours KiB/peer', 'PeerJS RSS before → after (MiB)', 'PeerJS KiB/peer', 'ours/PeerJS (KiB/peer)', 'retained after full GC, KiB/peer ours / PeerJS', 'connect time ours / PeerJS (s)'],
    rows.map((r) => [
      r.n,
      cell('ours', r, (s) => `${(s.baseKiB / 1024).toFixed(1)} → ${(s.loadedKiB / 1024).toFixed(1)}`),
      cell('ours', r, (s) => fmt(perPeer(s))),
      cell('peerjs', r, (s) => `${(s.baseKiB / 1024).toFixed(1)} → ${(s.loadedKiB / 1024).toFixed(1)}`),
      cell('peerjs', r, (s) => fmt(perPeer(s))),
      ratio(perPeer(r.sides.ours), perPeer(r.sides.peerjs)),
      `${cell('ours', r, (s) => fmt(retainedPerPeer(s)))} / ${cell('peerjs', r, (s) => fmt(retainedPerPeer(s)))}`,
      `${cell('ours', r, (s) => (s.connect.ms / 1000).toFixed(1))} / ${cell('peerjs', r, (s) => (s.connect.ms / 1000).toFixed(1))}`,
    ]),
  );
  const busy = (s: Side, f: (b: RelayResult) => number) => {
    const wall = s.bursts.reduce((a, b) => a + b.ms, 0);
    return `${fmt((100 * s.bursts.reduce((a, b) => a + f(b), 0)) / wall, 0)} %`;
  };
  const relay = table(
    ['idle peers', 'ours msgs/s median (p95 low)', 'PeerJS msgs/s median (p95 low)', 'ours/PeerJS (msgs/s)', 'ours latency p50 / p99 (ms)', 'PeerJS latency p50 / p99 (ms)', 'server CPU µs/msg ours / PeerJS', 'CPU busy server / load gen, ours', 'CPU busy server / load gen, PeerJS', 'lost ours / PeerJS'],
    rows.map((r) => {
      const rate = (s: Side) => `${fmt(median(rates(s)), 0)} (${fmt(quantile(rates(s), 0.05), 0)})`;
      const lat = (l: number[]) => `${fmt(quantile(l, 0.5), 2)} / ${fmt(quantile(l, 0.99), 2)}`;
      const load = (s: Side) => `${busy(s, (b) => b.serverCpuMs ?? 0)} / ${busy(s, (b) => b.genCpuMs)}`;
      return [
        r.n,
        cell('ours', r, rate),
        cell('peerjs', r, rate),
        ratio(median(rates(r.sides.ours)), median(rates(r.sides.peerjs))),
        cell('ours', r, (s) => lat(burstLat(s))),
        cell('peerjs', r, (s) => lat(burstLat(s))),
        `${cell('ours', r, (s) => fmt(cpuPerMsg(s), 1))} / ${cell('peerjs', r, (s) => fmt(cpuPerMsg(s), 1))}`,
        cell('ours', r, load),
        cell('peerjs', r, load),
        `${cell('ours', r, (s) => String(lost(s)))} / ${cell('peerjs', r, (s) => String(lost(s)))}`,
      ];
    }),
  );
  const paced = table(
    ['idle peers', 'ours p50 / p99 (ms)', 'PeerJS p50 / p99 (ms)', 'ours/PeerJS (p50)', 'segment p50 range ours / PeerJS (ms)', 'achieved rate ours / PeerJS (msgs/s)'],
    rows.map((r) => {
      const l = (s?: Side) => s?.paced?.latencies ?? [];
      const lat = (s: Side) => `${fmt(quantile(l(s), 0.5), 2)} / ${fmt(quantile(l(s), 0.99), 2)}`;
      const achieved = (s: Side) => (s.paced ? fmt(s.paced.sent / (s.paced.ms / 1000), 0) : '—');
      const range = (s: Side) => `${fmt(Math.min(...s.pacedSegments), 2)}–${fmt(Math.max(...s.pacedSegments), 2)}`;
      return [
        r.n,
        cell('ours', r, lat),
        cell('peerjs', r, lat),
        ratio(quantile(l(r.sides.ours), 0.5), quantile(l(r.sides.peerjs), 0.5)),
        `${cell('ours', r, range)} / ${cell('peerjs', r, range)}`,
        `${cell('ours', r, achieved)} / ${cell('peerjs', r, achieved)}`,
      ];
    }),
  );
  const notes = [
    'Each server is a fresh child process (`node --expose-gc --import tsx`, same loader and flags for both); the load generator is another Node process with one `ws` client per peer, opening 100 handshakes at a time. RSS = VmRSS from /proc/PID/status, read after a quiet moment once started and again once the last peer connected; KiB/peer = (after − before) ÷ N. Lower is better; ratio below 1× means ours uses less. "Retained after full GC" = V8 heapUsed + external from process.memoryUsage() right after a forced `gc()`, before and after connecting, ÷ N: what each peer really keeps alive.',
    `Idle: ours' clients send nothing (the server pings every 15 s, ws answers); PeerJS clients send \`{"type":"HEARTBEAT"}\` every 5 s as peerjs@1.5.5 does, so "idle" PeerJS at 5k peers is ~1k heartbeats/s. While one server is measured, the other one's clients pause their heartbeats so it does not compete for CPU. peer@1.0.2 runs through its API with its CLI defaults except \`concurrent_limit\` (raised from 5000 so 5k peers fit) and no per-connection console.log.`,
    `Relay capacity: with the N peers connected, ${p.pairs} sender→receiver pairs among them each keep ${p.window} offers (~4 KB SDP in each server's own offer message) in flight; the receiver's arrival triggers that pair's next send. ${p.bursts} bursts of ${p.burstSize} messages per server, the two servers' bursts alternating. msgs/s = delivered ÷ burst time; "p95 low" = the 5th-percentile burst (95 % of bursts were at least this fast). Latency at saturation = send() → receiver's message event, over all messages of all bursts; it is mostly queueing (Little's law: ${p.pairs * p.window} in flight ÷ rate). Server CPU µs/msg = the server's user+system CPU time from /proc during the bursts ÷ offers delivered; "CPU busy" = CPU time ÷ wall time of the bursts (100 % = one core), for the server and for the load generator (if the generator were near 100 % it, not the server, would be the limit).`,
    `Paced latency: open loop, ${p.pacedMessages} offers at ~${p.pacedRate} msgs/s spread over the same pairs, after the bursts, with the N peers still connected, in 5 segments with the servers alternating. This is the latency a signaling message sees when the server is not saturated; the segment range shows how much the p50 moved between segments.`,
    'Both servers stay below ours\' per-socket rate limit (200 msgs/s sustained, burst 1000): each sender sends at most a few tens of offers per burst; "lost" counts offers that never arrived.',
  ];
  for (const k of kinds) for (const r of rows) if (r.errors[k]) notes.push(`**${k} N=${r.n} failed:** ${r.errors[k]}`);
  for (const r of rows) for (const s of Object.values(r.sides)) if (s.error) notes.push(`**${s.kind} N=${r.n} relay error:** ${s.error}`);
  if (skipped.ours) notes.push(`**ours could not run:** ${skipped.ours}`);
  return `### Memory per idle peer\n\n${mem}\n\n### Relay throughput (closed loop)\n\n${relay}\n\n### Relay latency at a fixed rate\n\n${paced}\n\n${notes.map((n) => `- ${n}`).join('\n')}`;
}

function hotPathReport(rows: HotPathRow[]): string {
  return [
    '',
    '',
    '### Per-offer JavaScript work in isolation (µs, this process, no sockets)',
    '',
    table(['step', 'ours', 'PeerJS'], rows.map((r) => [r.step, fmt(r.oursUs, 2), fmt(r.peerjsUs, 2)])),
    '',
    '- Ours: the real src/protocol functions on the same ~4 KB offer; PeerJS: what peer@1.0.2 does with a frame (JSON.parse of its text, set `src`, JSON.stringify). Socket reads/writes and ws framing are the same library (ws) in both servers and not in this table.',
  ].join('\n');
}

/** JS heap + external memory still reachable per peer after a forced full GC (KiB). */
const retainedPerPeer = (s: Side) => (s.loadedRetained - s.baseRetained) / 1024 / s.connect.connected;

const burstRates = (s?: Side) => s?.bursts.filter((b) => b.received > 0).map((b) => b.received / (b.ms / 1000)) ?? [];
const cpuPerMsg = (s: Side) => {
  const got = s.bursts.reduce((a, b) => a + b.received, 0);
  return got ? (s.bursts.reduce((a, b) => a + (b.serverCpuMs ?? 0), 0) * 1000) / got : Number.NaN;
};

/** Where ours is behind PeerJS in this run, with the evidence this run collected for why. */
function slowerReport(rows: Row[], profiles: ProfileRun[], hot: HotPathRow[], heaps: ProfileRun[] = []): string {
  const ho = heaps.find((h) => h.kind === 'ours')?.heapGrowth;
  const hp = heaps.find((h) => h.kind === 'peerjs')?.heapGrowth;
  const heapDiff = () => {
    if (!ho || !hp) return '';
    const theirs = new Map(hp);
    const more = ho
      .map(([k, b]) => [k, b - (theirs.get(k) ?? 0)] as [string, number])
      .filter(([k, d]) => d > 16 && k !== 'code' && k !== 'synthetic')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5);
    const total = (h: [string, number][]) => h.reduce((a, [, b]) => a + b, 0) / 1024;
    return ` Heap snapshots (1000 peers): ours ${fmt(total(ho), 2)} KiB vs PeerJS ${fmt(total(hp), 2)} KiB of V8 heap per peer; ours holds more in ${more.map(([k, d]) => `\`${k}\` (+${fmt(d, 0)} B)`).join(', ')}.`;
  };
  const lines: string[] = [];
  const po = profiles.find((p) => p.kind === 'ours' && p.summary);
  const pp = profiles.find((p) => p.kind === 'peerjs' && p.summary);
  const cause = () => {
    const parts: string[] = [];
    if (po && pp) {
      const per = perOffer;
      const cats = [...new Set([...po.summary!.categories, ...pp.summary!.categories].map(([k]) => k))].filter((c) => !c.startsWith('module loading'));
      const more = cats.map((c) => [c, per(po, c) - per(pp, c)] as [string, number]).filter(([, d]) => d > 0.5).sort((a, b) => b[1] - a[1]);
      if (more.length) parts.push(`in the profiled pass ours spends more per offer on ${more.map(([c, d]) => `${c} (+${fmt(d, 1)} µs)`).join(', ')}`);
    }
    const sum = hot.find((r) => r.step === '**sum**');
    const onlyOurs = hot.filter((r) => r.step !== '**sum**' && r.peerjsUs === undefined);
    if (sum?.oursUs !== undefined && sum.peerjsUs !== undefined) {
      parts.push(
        `in isolation ours' per-offer JavaScript is ${fmt(sum.oursUs, 1)} µs vs ${fmt(sum.peerjsUs, 1)} µs, the difference being steps PeerJS does not do: ${onlyOurs.map((r) => `${r.step} ${fmt(r.oursUs, 2)} µs`).join('; ')}`,
      );
    }
    return parts.length ? `Cause, from this run's measurements: ${parts.join('; ')}.` : '';
  };
  let needCause = false;
  for (const r of rows) {
    const o = r.sides.ours;
    const p = r.sides.peerjs;
    if (!o || !p) continue;
    const perPeer = (s: Side) => (s.loadedKiB - s.baseKiB) / s.connect.connected;
    if (perPeer(o) > perPeer(p)) {
      const ro = retainedPerPeer(o);
      const rp = retainedPerPeer(p);
      lines.push(
        `- **RSS per idle peer at ${r.n}**: ours ${fmt(perPeer(o), 2)} KiB vs PeerJS ${fmt(perPeer(p), 2)} KiB. After a forced full GC the memory still reachable per peer (V8 heap + external) is ours ${fmt(ro)} KiB vs PeerJS ${fmt(rp)} KiB` +
          (ro <= rp
            ? ', so ours holds no more per peer: the RSS gap is garbage not yet collected and allocator pages not yet returned when RSS was read (RSS is read without forcing a GC, as a running server would be).'
            : `, so ours really keeps ${fmt(ro - rp)} KiB more per peer alive.${heapDiff()}`),
      );
    }
    const ro = burstRates(o);
    const rp = burstRates(p);
    if (ro.length && rp.length && median(ro) < median(rp)) {
      const [lo, hi] = medianDiffInterval(ro, rp);
      lines.push(
        `- **Relay capacity at ${r.n} peers**: ours ${fmt(median(ro), 0)} msgs/s vs PeerJS ${fmt(median(rp), 0)} (${ratio(median(ro), median(rp))}; 95 % bootstrap interval of the gap ${fmt(lo, 0)} … ${fmt(hi, 0)} msgs/s${hi >= 0 ? ', which includes 0' : ''}). Server CPU per relayed offer: ours ${fmt(cpuPerMsg(o), 1)} µs vs PeerJS ${fmt(cpuPerMsg(p), 1)} µs.`,
      );
      needCause = true;
    }
    const lo50 = quantile(o.paced?.latencies ?? [], 0.5);
    const lp50 = quantile(p.paced?.latencies ?? [], 0.5);
    if (lo50 > lp50) {
      const overlap = Math.min(...o.pacedSegments) <= Math.max(...p.pacedSegments);
      const extraCpu = cpuPerMsg(o) - cpuPerMsg(p);
      lines.push(
        `- **Paced relay latency p50 at ${r.n} peers**: ours ${fmt(lo50, 2)} ms vs PeerJS ${fmt(lp50, 2)} ms (+${fmt((lo50 - lp50) * 1000, 0)} µs)` +
          (overlap ? '; the per-segment p50s of the two servers overlap, so part of this is run-to-run noise' : '; ours was behind in every segment') +
          `. Ours' extra server CPU per offer (bursts, same N) was ${fmt(extraCpu, 1)} µs${(lo50 - lp50) * 1000 > 2 * extraCpu ? ', which accounts for only part of the gap; the rest is not explained by this run\'s measurements' : ''}.`,
      );
      needCause = true;
    }
  }
  const why = needCause ? cause() : '';
  return `\n\n### Where ours is slower than PeerJS\n\n${lines.length ? lines.join('\n') : 'Nowhere in this run.'}${why ? `\n\n${why}` : ''}`;
}
