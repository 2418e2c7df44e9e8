/**
 * Our server, through its public entry only, in its own process so its RSS is its own.
 * Default options (key `demo`, any origin), loopback.
 */
import { createEclServer } from '../../src/server/index.js';
import { writeHeapSnapshot } from 'node:v8';

const port = Number(process.argv[2] ?? 0);
const server = await createEclServer({ port, host: '127.0.0.1' });
process.stdout.write(`READY ${JSON.stringify({ url: server.signalingUrl, http: server.url })}\n`);

// The bench asks for memory figures on stdin: "mem" → a full GC (node runs with
// --expose-gc), then one `MEM {…}` line with process.memoryUsage(); "snapshot PATH"
// → a full GC, then a heap snapshot written to PATH and one `SNAP PATH` line.
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  const snap = /snapshot (\S+)/.exec(chunk);
  if (snap) {
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(`SNAP ${writeHeapSnapshot(snap[1])}\n`);
    return;
  }
  if (!chunk.includes('mem')) return;
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`);
});

// Exit through process.exit so --cpu-prof (BENCH_CPU_PROF) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
