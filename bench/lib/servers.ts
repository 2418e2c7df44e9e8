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
  stop(): Promise<void>;
}

/** Why ours cannot run yet (server or bundle missing), or undefined when it can. */
export function oursMissing(needBundle: boolean): string | undefined {
  if (!existsSync(`${ROOT}src/server/index.ts`)) return 'src/server/index.ts does not exist yet';
  if (needBundle && !existsSync(`${ROOT}dist/ecl-webrtc.js`)) return 'dist/ecl-webrtc.js does not exist (run `npm run build`)';
  return undefined;
}

export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

export async function startServer(contender: Contender, timeoutMs = 30_000): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT[contender], '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
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
  // Keep draining stdout so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  const pid = child.pid!;
  return {
    contender,
    url: ready.url,
    port: Number(new URL(ready.url).port),
    pid,
    rssKiB: () => rssKiB(pid),
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
