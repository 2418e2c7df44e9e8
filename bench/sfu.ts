/**
 * `npm run bench:sfu` (also run last by `npm run bench`): one publisher and N
 * subscribers in one SFU room, for N = 1, 5, 10, 20, over loopback.
 *
 * The SFU runs in its own Node process (this file, forked with --sfu-child) and
 * is driven over IPC exactly as the signaling server drives it, so its CPU and
 * RSS are its own. Publisher and subscribers are werift members (SfuBot) in this
 * process: many more fit on the machine than browsers would. The publisher sends
 * synthetic VP8-shaped video (30 fps × 3 packets × 1000 bytes ≈ 0.7 Mbit/s) and
 * opus-sized audio (50 packets/s × 120 bytes); the SFU forwards it without
 * looking inside beyond the VP8 keyframe bit, as it does for real Chromium media.
 *
 * Options: --sizes 1,5,10,20  --seconds 5  --out FILE
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type { SignalData } from '../src/protocol/index.js';
import { SfuBot, type ReceivedTrack } from '../src/server/sfu/bot.js';
import { RESULTS_PATH, stamp, table, writeSection } from './lib/results.js';

// ------------------------------------------------------------------ protocol between the two processes

type ToChild =
  | { op: 'join'; room: string; peerId: string; receiveOnly: boolean }
  | { op: 'signal'; room: string; peerId: string; signal: SignalData }
  | { op: 'leave'; room: string; peerId: string }
  | { op: 'sample'; id: number }
  | { op: 'counters'; id: number };

type FromChild =
  | { op: 'signal'; peerId: string; signal: SignalData }
  | { op: 'streams'; peerId: string; streams: Record<string, string> }
  | { op: 'sample'; id: number; cpuMicros: number; wallMs: number; rss: number; forwardedPackets: number; pliSent: number }
  | { op: 'counters'; id: number; counters: Record<string, number> }
  | { op: 'ready' };

// ------------------------------------------------------------------ child: the SFU alone

async function runChild(): Promise<void> {
  const { Sfu } = await import('../src/server/sfu/index.js');
  const sfu = new Sfu();
  const send = (message: FromChild) => process.send!(message);
  process.on('message', (message: ToChild) => {
    switch (message.op) {
      case 'join':
        sfu.join(message.room, message.peerId, { receiveOnly: message.receiveOnly }, {
          sendSignal: (signal) => send({ op: 'signal', peerId: message.peerId, signal }),
          sendStreams: (streams) => send({ op: 'streams', peerId: message.peerId, streams }),
        });
        return;
      case 'signal':
        return sfu.signal(message.room, message.peerId, message.signal);
      case 'leave':
        return sfu.leave(message.room, message.peerId);
      case 'sample': {
        const cpu = process.cpuUsage();
        const stats = sfu.stats();
        return send({
          op: 'sample',
          id: message.id,
          cpuMicros: cpu.user + cpu.system,
          wallMs: performance.now(),
          rss: process.memoryUsage().rss,
          forwardedPackets: stats.forwardedPackets,
          pliSent: stats.pliSent + stats.firSent,
        });
      }
      case 'counters':
        return send({ op: 'counters', id: message.id, counters: sfu.counters() });
    }
  });
  process.on('disconnect', () => void sfu.close().then(() => process.exit(0)));
  send({ op: 'ready' });
}

// ------------------------------------------------------------------ parent: publisher, subscribers, measurement

class SfuProcess {
  readonly child: ChildProcess;
  readonly bots = new Map<string, SfuBot>();
  #nextId = 0;
  #replies = new Map<number, (message: FromChild) => void>();

  constructor() {
    this.child = fork(new URL(import.meta.url).pathname, ['--sfu-child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: FromChild) => {
      if (message.op === 'signal') this.bots.get(message.peerId)?.handle(message.signal);
      else if (message.op === 'streams') this.bots.get(message.peerId)?.setStreams(message.streams);
      else if (message.op === 'sample' || message.op === 'counters') {
        this.#replies.get(message.id)?.(message);
        this.#replies.delete(message.id);
      }
    });
  }

  ready(): Promise<void> {
    return new Promise((resolve) => this.child.on('message', (m: FromChild) => m.op === 'ready' && resolve()));
  }

  join(room: string, peerId: string, publish: boolean): SfuBot {
    const bot = new SfuBot({ publish });
    bot.onSignal = (signal) => this.#send({ op: 'signal', room, peerId, signal });
    this.bots.set(peerId, bot);
    this.#send({ op: 'join', room, peerId, receiveOnly: !publish });
    return bot;
  }

  async leave(room: string, peerId: string): Promise<void> {
    this.#send({ op: 'leave', room, peerId });
    await this.bots.get(peerId)?.close();
    this.bots.delete(peerId);
  }

  sample(): Promise<Extract<FromChild, { op: 'sample' }>> {
    return this.#request({ op: 'sample', id: 0 }) as Promise<Extract<FromChild, { op: 'sample' }>>;
  }

  async counters(): Promise<Record<string, number>> {
    return ((await this.#request({ op: 'counters', id: 0 })) as Extract<FromChild, { op: 'counters' }>).counters;
  }

  #request(message: Extract<ToChild, { id: number }>): Promise<FromChild> {
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      this.#replies.set(id, resolve);
      this.#send({ ...message, id });
    });
  }

  #send(message: ToChild): void {
    if (this.child.connected) this.child.send(message);
  }
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  n: number;
  publisherPps: number;
  forwardedPps: number;
  expectedPps: number;
  sfuCpu: number;
  sfuRssMiB: number;
  clientCpu: number;
  lossMean: number;
  lossMax: number;
  setupMs: number;
  connectedMs: number;
  keyframeRequests: number;
}

interface TrackSnapshot {
  packets: number;
  highest: number;
}

function snapshot(track: ReceivedTrack): TrackSnapshot {
  return { packets: track.packets, highest: track.highestSeq ?? 0 };
}

async function measure(sfu: SfuProcess, n: number, seconds: number): Promise<Row> {
  const room = `bench-${n}`;
  const started = performance.now();
  const publisher = sfu.join(room, 'pub', true);
  const stopMedia = publisher.startSyntheticMedia();
  const subscribers = Array.from({ length: n }, (_, i) => sfu.join(room, `sub${i}`, false));
  let connectedMs: number | undefined;
  await until(`${n} subscribers receiving audio and video`, () => {
    if (connectedMs === undefined && subscribers.every((s) => s.pc.connectionState === 'connected')) {
      connectedMs = performance.now() - started;
    }
    return subscribers.every((s) => {
      const tracks = s.liveTracks();
      return tracks.length === 2 && tracks.every((t) => t.packets > 0 && (t.kind === 'audio' || t.keyframes > 0));
    });
  });
  const setupMs = performance.now() - started;
  connectedMs ??= setupMs;
  await sleep(1000); // warm-up: NACK/keyframe traffic of the join settles

  const tracks = subscribers.flatMap((s) => s.liveTracks());
  const before = tracks.map(snapshot);
  const sentBefore = publisher.sentPackets;
  const clientCpuBefore = process.cpuUsage();
  const clientWallBefore = performance.now();
  const s0 = await sfu.sample();
  await sleep(seconds * 1000);
  const s1 = await sfu.sample();
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const clientWall = performance.now() - clientWallBefore;
  const sent = publisher.sentPackets - sentBefore;
  const after = tracks.map(snapshot);

  const wallS = (s1.wallMs - s0.wallMs) / 1000;
  const losses = subscribers.map((s) => {
    let expected = 0;
    let received = 0;
    for (const track of s.liveTracks()) {
      const i = tracks.findIndex((t) => t.transceiver === track.transceiver);
      expected += after[i]!.highest - before[i]!.highest;
      received += after[i]!.packets - before[i]!.packets;
    }
    return expected > 0 ? Math.max(0, expected - received) / expected : 0;
  });

  stopMedia();
  for (const id of ['pub', ...subscribers.map((_, i) => `sub${i}`)]) await sfu.leave(room, id);
  await until('the SFU released the room', async () => Object.values(await sfu.counters()).every((v) => v === 0));

  return {
    n,
    publisherPps: sent / (clientWall / 1000),
    forwardedPps: (s1.forwardedPackets - s0.forwardedPackets) / wallS,
    expectedPps: (n * sent) / (clientWall / 1000),
    sfuCpu: ((s1.cpuMicros - s0.cpuMicros) / 1000 / (s1.wallMs - s0.wallMs)) * 100,
    sfuRssMiB: s1.rss / 2 ** 20,
    clientCpu: ((clientCpu.user + clientCpu.system) / 1000 / clientWall) * 100,
    lossMean: losses.reduce((a, b) => a + b, 0) / losses.length,
    lossMax: Math.max(...losses),
    setupMs,
    connectedMs,
    keyframeRequests: s1.pliSent,
  };
}

function parse(argv: string[]): { sizes: number[]; seconds: number; out: string } {
  const o = { sizes: [1, 5, 10, 20], seconds: 5, out: RESULTS_PATH };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') o.sizes = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--seconds') o.seconds = Number(argv[++i]);
    else if (argv[i] === '--out') o.out = argv[++i]!;
    else throw new Error(`unknown argument ${argv[i]} (--sizes 1,5,10,20 --seconds 5 --out FILE)`);
  }
  return o;
}

async function runParent(): Promise<void> {
  const options = parse(process.argv.slice(2));
  // The whole run must stay well under 4 minutes; a stuck negotiation must not hang `npm run bench`.
  const guard = setTimeout(() => {
    console.error('bench/sfu.ts: over 200 s, giving up');
    process.exit(1);
  }, 200_000);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} sfu: ${line}\n`);
  const loadAtStart = loadavg()[0]!;
  const sfu = new SfuProcess();
  await sfu.ready();
  const idle = await sfu.sample();
  const rows: Row[] = [];
  for (const n of options.sizes) {
    log(`N = ${n} …`);
    const row = await measure(sfu, n, options.seconds);
    log(
      `N = ${n}: ${row.forwardedPps.toFixed(0)} pkt/s forwarded, SFU CPU ${row.sfuCpu.toFixed(1)} %, RSS ${row.sfuRssMiB.toFixed(0)} MiB, loss ${(row.lossMax * 100).toFixed(2)} % max`,
    );
    rows.push(row);
  }
  sfu.child.disconnect();
  await new Promise((r) => sfu.child.once('exit', r));
  clearTimeout(guard);

  const pct = (v: number, digits = 1) => `${v.toFixed(digits)} %`;
  const body = [
    '## 5. SFU',
    '',
    `Run ${stamp()} by \`npm run bench:sfu\` (bench/sfu.ts). Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; 1-minute load average at start ${loadAtStart.toFixed(2)} (the machine is shared with other work, so CPU figures carry that noise).`,
    '',
    table(
      [
        'subscribers N',
        'publisher sends (pkt/s)',
        'SFU forwards (pkt/s)',
        'N × sent (pkt/s)',
        'SFU CPU (% of one core)',
        'SFU RSS (MiB)',
        'loss at subscribers, mean / max',
        'clients\' CPU (% of one core)',
        'join → all connected / all receiving (ms)',
      ],
      rows.map((r) => [
        r.n,
        r.publisherPps.toFixed(0),
        r.forwardedPps.toFixed(0),
        r.expectedPps.toFixed(0),
        pct(r.sfuCpu),
        r.sfuRssMiB.toFixed(0),
        `${pct(r.lossMean * 100, 2)} / ${pct(r.lossMax * 100, 2)}`,
        pct(r.clientCpu),
        `${r.connectedMs.toFixed(0)} / ${r.setupMs.toFixed(0)}`,
      ]),
    ),
    '',
    `- The SFU (src/server/sfu, werift ${await weriftVersion()}) runs alone in a child Node process driven over IPC the way the signaling server drives it; CPU is that process's user+system time over a ${options.seconds} s window divided by wall time (100 % = one core), RSS is its resident set at the end of the window (idle before any room: ${(idle.rss / 2 ** 20).toFixed(0)} MiB).`,
    '- One publisher and N receive-only subscribers, all werift peer connections in the parent process (SfuBot, src/server/sfu/bot.ts), over loopback with real ICE, DTLS and SRTP. The publisher sends synthetic VP8-shaped video (30 fps × 3 × 1000-byte packets ≈ 0.7 Mbit/s) and opus-sized audio (50 × 120-byte packets/s): the SFU reads only RTP headers and the VP8 keyframe bit, so the forwarding cost is that of real media of this rate; nothing is decoded anywhere.',
    "- Loss: per subscriber, packets missing between the first and the highest sequence number seen in the window (audio + video), after a 1 s warm-up; NACK retransmissions count as received. \"Clients' CPU\" is the parent process (publisher + all subscribers, SRTP decrypt included): on this machine they compete with the SFU for the same cores. Where \"SFU forwards\" equals \"N × sent\" with no loss, the SFU kept up: the table shows its cost per forwarded packet, not its ceiling.",
    '- Join timing: from the publisher\'s and all N subscribers\' joins (issued at once) until every subscriber\'s peer connection is connected (ICE + DTLS, werift on both ends, so N handshakes share these 2 cores), and until every subscriber has audio and, starting at a keyframe, video. Not a latency figure for browsers (see the browser tests and the call-setup suite).',
    '- Rooms are created and torn down per N; after each the SFU\'s counters (rooms, members, peer connections, transceivers, timers, subscriptions) were back to 0 before the next N started.',
  ].join('\n');
  writeSection('sfu', body, options.out);
  log(`wrote the sfu section of ${options.out}`);
}

async function weriftVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../node_modules/werift/package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

if (process.argv.includes('--sfu-child')) await runChild();
else await runParent();
