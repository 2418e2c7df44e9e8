/**
 * Suite 4, bundle size: gzip -9 of the JavaScript a page downloads. For ours, the
 * ESM entry and its static imports (enough to define <ecl-call> and render it),
 * then the total once the lazily imported chunks (simple-peer) are fetched at the
 * first connection. Other libraries: their shipped browser bundle from node_modules,
 * measured the same way (each file gzipped on its own, as each is its own download).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, transformSync } from 'esbuild';
import { distDir, ROOT } from '../lib/servers.js';
import { table } from '../lib/results.js';

const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).byteLength;
const kib = (n: number) => (n / 1024).toFixed(1);

interface Graph {
  initial: string[];
  lazy: string[];
}

/** Follows `import … from "./x.js"` / `export … from` (static) and `import("./x.js")` (lazy) in esbuild ESM output. */
export function moduleGraph(entry: string): Graph {
  const staticRe = /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
  const dynamicRe = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
  const initial = new Set<string>();
  const lazyRoots = new Set<string>();
  const walk = (file: string, into: Set<string>) => {
    if (into.has(file)) return;
    into.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(staticRe)) walk(resolve(dirname(file), m[1]), into);
    for (const m of text.matchAll(dynamicRe)) lazyRoots.add(resolve(dirname(file), m[1]));
  };
  walk(entry, initial);
  const lazy = new Set<string>();
  for (const root of lazyRoots) if (!initial.has(root)) walk(root, lazy);
  return { initial: [...initial], lazy: [...lazy].filter((f) => !initial.has(f)) };
}

function sizes(files: string[]) {
  return files.reduce((a, f) => {
    const b = readFileSync(f);
    return { raw: a.raw + b.byteLength, gz: a.gz + gz(b) };
  }, { raw: 0, gz: 0 });
}

const OTHERS: { name: string; file: string; note?: string }[] = [
  { name: 'peerjs@1.5.5', file: 'node_modules/peerjs/dist/peerjs.min.js' },
  { name: 'simple-peer@9.11.1', file: 'node_modules/simple-peer/simplepeer.min.js' },
  { name: 'skyway-js@4.4.5', file: 'node_modules/skyway-js/dist/skyway.js', note: 'shipped unminified' },
  { name: 'livekit-client@2.23.0', file: 'node_modules/livekit-client/dist/livekit-client.umd.js' },
];

/**
 * What ours' chunks are made of: esbuild's metafile for src/index.ts built with the
 * settings of scripts/build.mjs (ESM, minified, split), grouped by package or src layer.
 * Gzip sizes per group are estimates (each group's module outputs gzipped together).
 */
async function composition(): Promise<string> {
  const result = await build({
    entryPoints: { 'ecl-webrtc': join(ROOT, 'src/index.ts') },
    bundle: true,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outdir: join(ROOT, 'dist-composition-unused'),
    tsconfig: join(ROOT, 'tsconfig.json'),
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const lines: string[] = [];
  for (const [out, o] of Object.entries(result.metafile.outputs)) {
    if (out.endsWith('.map') || o.bytes < 2048) continue;
    const groups = new Map<string, number>();
    for (const [input, v] of Object.entries(o.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = pkg ? pkg[1] : input.replace(/^.*?src\//, 'src/').split('/').slice(0, 2).join('/');
      groups.set(key, (groups.get(key) ?? 0) + v.bytesInOutput);
    }
    const parts = [...groups].filter(([, b]) => b > 0).sort((a, b) => b[1] - a[1]);
    const name = out.endsWith('ecl-webrtc.js') ? 'entry chunk (before the first connection)' : `lazy chunk \`${out.split('/').pop()!.replace(/-[A-Z0-9]+\.js$/, '')}\``;
    lines.push(`- ${name}, ${kib(o.bytes)} KiB minified: ${parts.map(([k, b]) => `${k} ${kib(b)} KiB (${Math.round((100 * b) / o.bytes)} %)`).join(', ')}.`);
  }
  return lines.join('\n');
}

export async function runBundle(): Promise<string> {
  const dist = distDir();
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  const entry = join(dist, 'ecl-webrtc.js');
  let oursInitialGz: number | undefined;
  let oursTotalGz: number | undefined;
  if (existsSync(entry)) {
    const g = moduleGraph(entry);
    const init = sizes(g.initial);
    const all = sizes([...g.initial, ...g.lazy]);
    oursInitialGz = init.gz;
    oursTotalGz = all.gz;
    rows.push(['ours, ESM (dist/ecl-webrtc.js)', kib(init.raw), kib(init.gz), kib(all.raw), kib(all.gz), 'yes']);
    const name = (f: string) => relative(dist, f);
    notes.push(`ours before the first connection: ${g.initial.map(name).join(', ')}; fetched at the first connection: ${g.lazy.map(name).join(', ') || 'nothing'}.`);
    const iife = join(dist, 'ecl-webrtc.iife.js');
    if (existsSync(iife)) {
      const s = sizes([iife]);
      rows.push(['ours, classic script (dist/ecl-webrtc.iife.js)', kib(s.raw), kib(s.gz), kib(s.raw), kib(s.gz), 'yes']);
    }
  } else {
    rows.push(['ours', 'cannot run: dist/ecl-webrtc.js missing (npm run build)', '—', '—', '—', '—']);
  }
  const peerjsGz = gz(readFileSync(join(ROOT, OTHERS[0].file)));
  for (const o of OTHERS) {
    const path = join(ROOT, o.file);
    if (!existsSync(path)) {
      rows.push([o.name, `not installed (${o.file})`, '—', '—', '—', '—']);
      continue;
    }
    const s = sizes([path]);
    rows.push([`${o.name} (${o.file.replace('node_modules/', '')})`, kib(s.raw), kib(s.gz), kib(s.raw), kib(s.gz), o.note ? `no (${o.note})` : 'yes']);
    if (o.note) {
      // A fairer comparison for a bundle that ships unminified: what esbuild --minify makes of it.
      const min = transformSync(readFileSync(path, 'utf8'), { minify: true, loader: 'js' }).code;
      const m = Buffer.from(min);
      rows.push([`${o.name}, same file after esbuild --minify`, kib(m.byteLength), kib(gz(m)), kib(m.byteLength), kib(gz(m)), 'minified here']);
    }
  }
  const simplePeerGz = gz(readFileSync(join(ROOT, OTHERS[1].file)));
  const simplePeerText = readFileSync(join(ROOT, OTHERS[1].file), 'utf8');
  const polyfills = ['ERR_STREAM_WRITE_AFTER_END', 'ieee754', 'base64-js'].filter((m) => simplePeerText.includes(m));
  const larger =
    oursInitialGz !== undefined && oursTotalGz !== undefined && oursTotalGz > peerjsGz
      ? [
          '',
          '### Where ours is larger than PeerJS',
          '',
          `- ${oursInitialGz > peerjsGz ? `Before the first connection ours is ${kib(oursInitialGz)} KiB gzip vs PeerJS ${kib(peerjsGz)} KiB. ` : `Before the first connection ours is smaller (${kib(oursInitialGz)} vs ${kib(peerjsGz)} KiB gzip). `}The composition above shows why: ours' entry chunk carries the custom elements and lit (UI that PeerJS does not have at all), the SDK, the MessagePack serializer and valibot (schema validation of server messages).`,
          `- In total ours is ${kib(oursTotalGz)} KiB vs ${kib(peerjsGz)} KiB: the lazy chunk is simple-peer's own browser build (simplepeer.min.js, ${kib(simplePeerGz)} KiB gzip by itself, more than all of PeerJS)${polyfills.length ? `, which bundles Node's stream and Buffer polyfills (it contains readable-stream and buffer code: ${polyfills.map((p) => `\`${p}\``).join(', ')})` : ''}.`,
        ].join('\n')
      : '';
  const ratioLine =
    oursInitialGz !== undefined && oursTotalGz !== undefined
      ? `ours/PeerJS (gzip): ${(oursInitialGz / peerjsGz).toFixed(2)}× before the first connection, ${(oursTotalGz / peerjsGz).toFixed(2)}× in total. ours includes the four custom elements and lit; PeerJS is the SDK alone (no UI).`
      : 'ours/PeerJS: ours not built.';
  let parts = '';
  try {
    parts = await composition();
  } catch (e) {
    parts = `- composition: esbuild failed: ${(e as Error).message.split('\n')[0]}`;
  }
  return [
    table(['bundle', 'before 1st connection, raw KiB', 'before 1st connection, gzip -9 KiB', 'total, raw KiB', 'total, gzip -9 KiB', 'minified'], rows),
    '',
    `- ${ratioLine}`,
    '- gzip -9 of each JavaScript file a page downloads, summed (source maps and LEGAL.txt files are not downloaded by a page and not counted). Other libraries ship one browser file each, so their two columns are equal; none of them has UI elements.',
    ...notes.map((n) => `- ${n}`),
    '',
    '### What ours is made of (esbuild metafile of src/index.ts, minified bytes per package or src layer)',
    '',
    parts,
    larger,
  ].join('\n');
}
