/**
 * Load generator for the signaling suite: a separate Node process (forked by
 * bench/suites/signaling.ts, driven over IPC) holding N `ws` clients of one server.
 * It speaks each server's own protocol, as its browser client would:
 *   ours:   /signaling?key=demo&id=ID → {type:'open'}; sends {type:'signal', dst, …}
 *   peerjs: /peerjs?key=peerjs&id=ID&token=T → {type:'OPEN'}; sends {type:'OFFER', dst, payload}
 *           and a HEARTBEAT every 5 s per socket, like peerjs@1.5.5 does while idle.
 * Every operation is bounded by a message count and a time limit.
 */
import WebSocket from 'ws';
import { offerSdp } from './offer.js';

type Kind = 'ours' | 'peerjs';

export type Command =
  | { cmd: 'connect'; kind: Kind; url: string; count: number; prefix: string }
  | { cmd: 'burst'; pairs: number; messages: number; window: number; maxMs: number }
  | { cmd: 'paced'; pairs: number; rate: number; messages: number; maxMs: number }
  | { cmd: 'heartbeat'; on: boolean }
  | { cmd: 'close' };

export interface ConnectResult {
  connected: number;
  failed: number;
  ms: number;
  firstError?: string;
}
export interface RelayResult {
  sent: number;
  received: number;
  ms: number;
  /** Per-message latency (ms) from send() to the receiver's message event, in delivery order. */
  latencies: number[];
  /** CPU time this load generator used during the run. */
  genCpuMs: number;
  /** Filled in by the suite: CPU time the server process used during the run. */
  serverCpuMs?: number;
}

const sockets: WebSocket[] = [];
let kind: Kind = 'ours';
let heartbeat: NodeJS.Timeout | undefined;

const SDP = JSON.stringify(offerSdp()).slice(1, -1);

/** Message text with a placeholder for the sequence number, so a send is two concatenations. */
function template(dst: string): [string, string] {
  if (kind === 'ours') {
    return [`{"type":"signal","dst":"${dst}","connectionId":"c`, `","connectionType":"media","signal":{"type":"offer","sdp":"${SDP}"}}`];
  }
  return [`{"type":"OFFER","dst":"${dst}","payload":{"type":"media","connectionId":"c`, `","sdp":{"type":"offer","sdp":"${SDP}"}}}`];
}

const MARK = Buffer.from('"connectionId":"c');

function seqOf(data: Buffer): number {
  const at = data.indexOf(MARK);
  if (at < 0) return -1;
  let n = 0;
  for (let i = at + MARK.length; i < data.length; i++) {
    const d = data[i] - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return n;
}

function idOf(prefix: string, i: number) {
  return `${prefix}${i}`;
}

async function connect(c: Extract<Command, { cmd: 'connect' }>): Promise<ConnectResult> {
  kind = c.kind;
  const started = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const openOne = (i: number) =>
    new Promise<void>((resolve) => {
      const id = idOf(c.prefix, i);
      const url = c.kind === 'ours' ? `${c.url}?key=demo&id=${id}` : `${c.url}?key=peerjs&id=${id}&token=t${i}`;
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const fail = (why: string) => {
        failed++;
        firstError ??= why;
        ws.terminate();
        resolve();
      };
      ws.once('error', (e) => fail(String(e)));
      ws.once('message', (data: Buffer) => {
        const text = data.toString();
        if (text.includes('"type":"open"') || text.includes('"type":"OPEN"')) {
          sockets[i] = ws;
          resolve();
        } else fail(text.slice(0, 200));
      });
    });
  // A bounded number of handshakes in flight, as many real clients arriving at once.
  const workers = Array.from({ length: 100 }, async () => {
    while (next < c.count) await openOne(next++);
  });
  await Promise.all(workers);
  setHeartbeat(true);
  return { connected: sockets.filter(Boolean).length, failed, ms: performance.now() - started, firstError };
}

function setHeartbeat(on: boolean) {
  clearInterval(heartbeat);
  heartbeat = undefined;
  if (!on || kind !== 'peerjs') return;
  heartbeat = setInterval(() => {
    for (const ws of sockets) if (ws?.readyState === WebSocket.OPEN) ws.send('{"type":"HEARTBEAT"}');
  }, 5000);
}

let globalSeq = 0;

/** Pairs (i → i + pairs): sender i keeps `window` offers in flight to its receiver. Closed loop: measures capacity. */
function relay(pairs: number, total: number, maxMs: number, pace: (send: () => boolean) => void): Promise<RelayResult> {
  const sendTimes = new Float64Array(total + 1);
  const latencies: number[] = [];
  const base = globalSeq;
  globalSeq += total + 1;
  let sent = 0;
  let received = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      for (let p = 0; p < pairs; p++) sockets[pairs + p].removeAllListeners('message');
      const cpu = process.cpuUsage(cpu0);
      resolve({ sent, received, ms: performance.now() - started, latencies, genCpuMs: (cpu.user + cpu.system) / 1000 });
    };
    const timer = setTimeout(finish, maxMs);
    const templates = Array.from({ length: pairs }, (_, p) => template(idOf(prefix, pairs + p)));
    const sendFrom = (p: number): boolean => {
      if (sent >= total) return false;
      const seq = sent++;
      sendTimes[seq] = performance.now();
      sockets[p].send(templates[p][0] + (base + seq) + templates[p][1]);
      return true;
    };
    for (let p = 0; p < pairs; p++) {
      sockets[pairs + p].on('message', (data: Buffer) => {
        const seq = seqOf(data) - base;
        if (seq < 0 || seq > total) return;
        latencies.push(performance.now() - sendTimes[seq]);
        received++;
        onDelivered(p);
        if (received >= total) finish();
      });
    }
    let rr = 0;
    let onDelivered: (p: number) => void = () => {};
    pace(() => sendFrom(rr++ % pairs));
    // Closed loop: the pair that got a message sends the next one.
    onDelivered = closedLoop ? (p) => void sendFrom(p) : () => {};
  });
}

let prefix = '';
let closedLoop = false;

async function burst(c: Extract<Command, { cmd: 'burst' }>): Promise<RelayResult> {
  closedLoop = true;
  return relay(c.pairs, c.messages, c.maxMs, (send) => {
    for (let k = 0; k < c.pairs * c.window; k++) send();
  });
}

async function paced(c: Extract<Command, { cmd: 'paced' }>): Promise<RelayResult> {
  closedLoop = false;
  // Open loop at a fixed rate: latency then reflects the server, not the queue we build.
  const perTick = Math.max(1, Math.round(c.rate / 1000));
  return relay(c.pairs, c.messages, c.maxMs, (send) => {
    const tick = setInterval(() => {
      for (let k = 0; k < perTick; k++) if (!send()) return clearInterval(tick);
    }, 1);
  });
}

process.on('message', async (c: Command) => {
  try {
    if (c.cmd === 'connect') {
      prefix = c.prefix;
      process.send!({ ok: true, result: await connect(c) });
    } else if (c.cmd === 'burst') process.send!({ ok: true, result: await burst(c) });
    else if (c.cmd === 'paced') process.send!({ ok: true, result: await paced(c) });
    else if (c.cmd === 'heartbeat') {
      setHeartbeat(c.on);
      process.send!({ ok: true, result: null });
    } else if (c.cmd === 'close') {
      clearInterval(heartbeat);
      for (const ws of sockets) ws?.terminate();
      process.send!({ ok: true, result: null }, () => process.exit(0));
    }
  } catch (e) {
    process.send!({ ok: false, error: String((e as Error).stack ?? e) });
  }
});
