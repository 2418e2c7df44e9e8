/**
 * `npm run bench [-- suite ...]`: runs the named suites (default: all, SFU last)
 * and rewrites each one's section of bench/results.md. Sizes and run counts can
 * be lowered with flags for a quick look (`--runs 5 --warmup 1 --mib 10`), and
 * `--out FILE` writes somewhere else (the harness test does).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { chromiumVersion } from './lib/browser.js';
import { RESULTS_PATH, stamp, writeSection } from './lib/results.js';
import { distDir, ROOT } from './lib/servers.js';
import { runBundle } from './suites/bundle.js';
import { runSetup } from './suites/setup.js';
import { runSignaling } from './suites/signaling.js';
import { runThroughput } from './suites/throughput.js';

export const SUITES = ['setup', 'throughput', 'signaling', 'bundle', 'sfu'] as const;
export type Suite = (typeof SUITES)[number];

export interface RunOptions {
  suites: Suite[];
  out: string;
  runs: number;
  warmup: number;
  throughputRuns: number;
  mib: number;
  peers: number[];
  relayMessages: number;
  log: (line: string) => void;
}

export function parseArgs(argv: string[]): RunOptions {
  const o: RunOptions = {
    suites: [],
    out: RESULTS_PATH,
    runs: 20,
    warmup: 2,
    throughputRuns: 20,
    mib: 50,
    peers: [1000, 5000],
    relayMessages: 60_000,
    log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => argv[++i];
    if (arg === '--out') o.out = next();
    else if (arg === '--runs') o.runs = Number(next());
    else if (arg === '--warmup') o.warmup = Number(next());
    else if (arg === '--throughput-runs') o.throughputRuns = Number(next());
    else if (arg === '--mib') o.mib = Number(next());
    else if (arg === '--peers') o.peers = next().split(',').map(Number);
    else if (arg === '--relay-messages') o.relayMessages = Number(next());
    else if ((SUITES as readonly string[]).includes(arg)) o.suites.push(arg as Suite);
    else throw new Error(`unknown argument ${arg}; suites: ${SUITES.join(', ')}`);
  }
  if (o.suites.length === 0) o.suites = [...SUITES];
  return o;
}

async function machine(): Promise<string> {
  const cpu = cpus();
  return [
    `Last written ${stamp()}.`,
    '',
    `- CPU: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown'}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version}, ${await chromiumVersion()} (Debian /usr/bin/chromium, headless=new)`,
    '- Contenders: ours (this repo: dist/ecl-webrtc.js + src/server), PeerJS (client peerjs@1.5.5 dist/peerjs.min.js, server peer@1.0.2), floor (raw RTCPeerConnection/RTCDataChannel over a plain `ws` relay, bench/servers/relay.ts).',
    '- Everything on loopback on this one machine; each signaling server is its own Node process. The machine is shared with other work (builds, test runs), so run-to-run noise is real: read the p95s and the bootstrap intervals before a median gap.',
    `- Ours' bundle: ${bundleNote()}`,
  ].join('\n');
}

function bundleNote(): string {
  const entry = `${distDir()}/ecl-webrtc.js`;
  if (!existsSync(entry)) return 'not built.';
  const where = process.env.BENCH_DIST ? `a copy of dist/ at ${process.env.BENCH_DIST}` : 'dist/';
  return `${where}, ecl-webrtc.js built ${statSync(entry).mtime.toISOString().replace(/\.\d+Z$/, 'Z')}.`;
}

function runSfu(out: string, log: (line: string) => void): Promise<string | undefined> {
  if (!existsSync(`${ROOT}bench/sfu.ts`)) return Promise.resolve('bench/sfu.ts does not exist; SFU suite skipped.');
  // bench/sfu.ts belongs to the SFU helper and writes its own section of results.md.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sfu.ts', '--out', out], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => {
      if (code !== 0) log(`bench/sfu.ts exited with ${code}`);
      resolve(code === 0 ? undefined : `bench/sfu.ts exited with code ${code}; see its output.`);
    });
  });
}

export async function run(o: RunOptions): Promise<void> {
  const started = Date.now();
  writeSection('machine', `## Machine\n\n${await machine()}`, o.out);
  for (const suite of o.suites) {
    const t = Date.now();
    o.log(`suite ${suite} …`);
    const header = (title: string) => `## ${title}\n\nRun ${stamp()}.\n\n`;
    if (suite === 'setup') {
      writeSection('setup', header('1. Call setup') + (await runSetup({ runs: o.runs, warmup: o.warmup, profileRuns: 5, log: o.log })), o.out);
    } else if (suite === 'throughput') {
      const body = await runThroughput({ runs: o.throughputRuns, warmup: 1, mib: o.mib, log: o.log });
      writeSection('throughput', header('2. Data throughput') + body, o.out);
    } else if (suite === 'signaling') {
      const body = await runSignaling({ peers: o.peers, relayMessages: o.relayMessages, log: o.log });
      writeSection('signaling', header('3. Signaling server') + body, o.out);
    } else if (suite === 'bundle') {
      writeSection('bundle', header('4. Bundle size') + (await runBundle()), o.out);
    } else if (suite === 'sfu') {
      const problem = await runSfu(o.out, o.log);
      if (problem) writeSection('sfu', `## 5. SFU\n\n${problem}`, o.out);
    }
    o.log(`suite ${suite} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  o.log(`all done in ${((Date.now() - started) / 1000).toFixed(0)} s → ${o.out}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await run(parseArgs(process.argv.slice(2)));
}
