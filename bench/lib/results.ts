/**
 * bench/results.md is one file with one marked section per suite, so running a
 * single suite (`npm run bench -- setup`) rewrites only its own section and keeps
 * every other suite's last figures, including sections owned by other scripts (sfu).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RESULTS_PATH = fileURLToPath(new URL('../results.md', import.meta.url));

/** Order of sections in a fresh file; unknown sections already in the file are kept where they are. */
export const SECTION_ORDER = ['machine', 'setup', 'throughput', 'signaling', 'bundle', 'sfu'] as const;

const HEADER = `# Benchmarks

Produced by \`npm run bench\` (see [README.md](README.md) for what each suite measures and how to run one).
Every section is rewritten only by its own suite, so sections may come from different runs: each states when it ran.
`;

const marker = (name: string, edge: 'start' | 'end') => `<!-- ${name}:${edge} -->`;

function emptyFile(): string {
  return [HEADER, ...SECTION_ORDER.map((s) => `${marker(s, 'start')}\n_not run yet_\n${marker(s, 'end')}\n`)].join('\n');
}

/** Replaces (or appends) the section `name` of the results file with `body`. */
export function writeSection(name: string, body: string, path = RESULTS_PATH): void {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : emptyFile();
  const start = marker(name, 'start');
  const end = marker(name, 'end');
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text);
}

export function readSection(name: string, path = RESULTS_PATH): string | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const i = text.indexOf(marker(name, 'start'));
  const j = text.indexOf(marker(name, 'end'));
  return i >= 0 && j > i ? text.slice(i + marker(name, 'start').length, j).trim() : undefined;
}

/** A markdown table; `null`/`undefined` cells print as an em dash. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v));
  const lines = [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function stamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
