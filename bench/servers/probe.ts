/**
 * The stdin protocol every bench server process answers, so the bench reads each
 * server's memory the same way: "mem" → a full GC (node runs with --expose-gc), then
 * one `MEM {…}` line with process.memoryUsage(); "snapshot PATH" → a full GC, then a
 * heap snapshot written to PATH and one `SNAP PATH` line. SIGTERM exits through
 * process.exit so --cpu-prof (BENCH_CPU_PROF) gets to write its profile.
 */
import { writeHeapSnapshot } from 'node:v8';

export function answerBenchProbes(): void {
  const gc = () => (globalThis as { gc?: () => void }).gc?.();
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    const snap = /snapshot (\S+)/.exec(chunk);
    if (snap) {
      gc();
      process.stdout.write(`SNAP ${writeHeapSnapshot(snap[1])}\n`);
      return;
    }
    if (!chunk.includes('mem')) return;
    gc();
    process.stdout.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
