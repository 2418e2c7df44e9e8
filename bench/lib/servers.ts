/**
 * Every signaling server runs as its own child process: its RSS in /proc is then
 * its own, and its event loop does not share a thread with the bench driver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Contender = 'ours' | 'peerjs' | 'floor';
export const CONTENDERS: Contender[] = ['ours', 'peerjs', 'floor'];
export const LABEL: Record<Contender, string> = { ours: 'ours', peerjs: 'PeerJS', floor: 'floor (raw RTCPeerConnection + ws relay)' };

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const SCRIPT: Record<Contender, string> = {
  ours: 'bench/servers/ours.ts',
  peerjs: 'bench/servers/peerjs.ts',
  floor: 'bench/servers/relay.ts',
};

export interface RunningServer {
  contender: Contender;
  /** WebSocket URL of the signaling endpoint (floor: the relay root; peerjs: /peerjs). */
  url: string;
  port: number;
  pid: number;
  rssKiB(): number;
  cpuMs(): number;
  /** process.memoryUsage() of the server after a forced full GC. */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  /** Writes a heap snapshot (after a full GC) to `path`. */
  heapSnapshot(path: string): Promise<string>;
  stop(): Promise<void>;
}

/** Why ours cannot run yet (server or bundle missing), or undefined when it can. */
export function oursMissing(needBundle: boolean): string | undefined {
  if (!existsSync(`${ROOT}src/server/index.ts`)) return 'src/server/index.ts does not exist yet';
  if (needBundle && !existsSync(`${distDir()}/ecl-webrtc.js`)) return 'dist/ecl-webrtc.js does not exist (run `npm run build`)';
  return undefined;
}

/** The built browser bundle: dist/, or BENCH_DIST for a scratch build. */
export function distDir(): string {
  return (process.env.BENCH_DIST ?? `${ROOT}dist`).replace(/\/$/, '');
}

const TICK_MS = 10; // Linux USER_HZ is 100 on every platform Node supports here.

/** CPU time (user + system) a process has used so far, from /proc/PID/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** `cpuProfileDir`: run under `node --cpu-prof`; the profile is written there when the server stops. */
export async function startServer(contender: Contender, opts: { timeoutMs?: number; cpuProfileDir?: string } = {}): Promise<RunningServer> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const prof = opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, '--expose-gc', '--import', 'tsx', SCRIPT[contender], '0'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${contender} server did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(6)) as { url: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${contender} server exited (${code}) before it was ready: ${stderr}`));
    });
  });
  // Keep draining stdout (a chatty server must never block on a full pipe), watching for MEM replies.
  let pendingMem: ((m: NodeJS.MemoryUsage) => void) | undefined;
  let pendingSnap: ((path: string) => void) | undefined;
  let tail = '';
  child.stdout?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-100_000);
    const lines = tail.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('SNAP ') && pendingSnap) {
        const resolve = pendingSnap;
        pendingSnap = undefined;
        resolve(line.slice(5));
      }
      if (line.startsWith('MEM ') && pendingMem) {
        const resolve = pendingMem;
        pendingMem = undefined;
        resolve(JSON.parse(line.slice(4)) as NodeJS.MemoryUsage);
      }
    }
  });
  const pid = child.pid!;
  return {
    contender,
    url: ready.url,
    port: Number(new URL(ready.url).port),
    pid,
    rssKiB: () => rssKiB(pid),
    cpuMs: () => cpuMs(pid),
    memoryAfterGc: () =>
      new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${contender} server did not report memory`)), 20_000);
        pendingMem = (m) => {
          clearTimeout(timer);
          resolve(m);
        };
        child.stdin?.write('mem\n');
      }),
    heapSnapshot: (path: string) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${contender} server did not write a heap snapshot`)), 60_000);
        pendingSnap = (p) => {
          clearTimeout(timer);
          resolve(p);
        };
        child.stdin?.write(`snapshot ${path}\n`);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
