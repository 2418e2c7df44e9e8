/**
 * Reads a V8 .cpuprofile (node --cpu-prof) into self time per category and the
 * top functions, so a suite can say where a server spends its time per message
 * from a measurement rather than a guess.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Busy (non-idle) self time in ms. */
  busyMs: number;
  /** Self time in ms per category, biggest first. */
  categories: [string, number][];
  /** Self time in ms per function (name file:line), biggest first. */
  functions: [string, number][];
}

function shortUrl(url: string): string {
  return url
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')
    .replace(/^https?:\/\/127\.0\.0\.1:\d+\//, '/');
}

/** Where a function's own time goes, in terms a reader of the results can act on. */
function categorize(name: string, url: string): string | undefined {
  if (name === '(idle)' || name === '(program)') return undefined;
  if (name === '(garbage collector)') return 'garbage collection';
  if (/node:internal\/modules|node:internal\/bootstrap|\/tsx\/|esbuild|cjs-module-lexer/.test(url) || name === 'compileSourceTextModule' || name === 'wrapSafe')
    return 'module loading (startup, tsx)';
  if (/\/valibot\//.test(url) || /src\/protocol\/messages/.test(url)) return 'schema validation (valibot)';
  if (/node:buffer|internal\/buffer/.test(url) || name === 'utf8Slice') return 'Buffer allocation, copy, decode';
  if (/\/ws\/lib\//.test(url) || /stream_base_commons|internal\/streams|node:net/.test(url) || name === 'writev' || name === 'writeUtf8String' || name === 'isUtf8')
    return 'ws framing + socket I/O';
  if (url === '') return 'other native';
  return "server's own JavaScript (incl. inlined JSON.parse/stringify)";
}

export type Categorizer = (name: string, url: string) => string | undefined;

export function summarize(path: string): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(path, 'utf8')) as Profile, categorize);
}

/** Categories for a bench page's main thread: which library's script the time is in. */
export const pageCategories: Categorizer = (name, url) => {
  if (name === '(idle)' || name === '(program)') return undefined;
  if (name === '(garbage collector)') return 'garbage collection';
  if (/\/dist\/chunks\/simplepeer/.test(url)) return 'simple-peer (ours, lazy chunk)';
  if (/\/dist\//.test(url)) return 'ours (dist/ecl-webrtc.js + chunks)';
  if (/\/vendor\/peerjs\//.test(url)) return 'PeerJS (peerjs.min.js)';
  if (/\/bench\//.test(url)) return 'bench page (timing, video element)';
  if (url === '') return 'browser built-ins (native)';
  return 'other';
};

export function summarizeProfile(p: Profile, categorize: Categorizer): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const category = categorize(name, url);
    if (!category) continue;
    busy += us;
    categories.set(category, (categories.get(category) ?? 0) + us);
    const key = `${name} ${shortUrl(url) || '(native)'}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([k, us]) => [k, us / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
  return { busyMs: busy / 1000, categories: sorted(categories), functions: sorted(functions) };
}

/** Sums summaries of several profiles (e.g. one per run). */
export function mergeSummaries(list: ProfileSummary[]): ProfileSummary {
  const add = (pick: (s: ProfileSummary) => [string, number][]) => {
    const m = new Map<string, number>();
    for (const s of list) for (const [k, v] of pick(s)) m.set(k, (m.get(k) ?? 0) + v);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  return { busyMs: list.reduce((a, s) => a + s.busyMs, 0), categories: add((s) => s.categories), functions: add((s) => s.functions) };
}
