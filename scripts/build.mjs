// Builds the browser bundles (ESM code-split + one classic IIFE script), their type
// declarations, and the Node server. `--if-needed` skips work when dist/ is newer than src/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const outputs = ['ecl-webrtc.js', 'ecl-webrtc.iife.js', 'server/cli.js', 'types/index.d.ts'].map((f) => join(dist, f));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-needed') && outputs.every(existsSync)) {
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package-lock.json')).mtimeMs);
  if (built > sources) process.exit(0);
}

rmSync(dist, { recursive: true, force: true });
const browser = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'browser',
  legalComments: 'linked',
  logLevel: 'warning',
  tsconfig: join(root, 'tsconfig.json'),
};

await Promise.all([
  // ESM with code splitting: simple-peer (dynamically imported) lands in its own chunk,
  // so a page that shows the elements downloads it only when the first connection starts.
  build({
    ...browser,
    entryPoints: { 'ecl-webrtc': join(root, 'src/index.ts') },
    outdir: dist,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
  }),
  // One classic script for CMSs that do not allow modules: everything inline.
  build({
    ...browser,
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(dist, 'ecl-webrtc.iife.js'),
    format: 'iife',
    // The SDK is reachable as window.EclWebRTC (Peer, getDisplayStream, …) from classic scripts.
    globalName: 'EclWebRTC',
  }),
  build({
    entryPoints: { cli: join(root, 'src/server/cli.ts'), index: join(root, 'src/server/index.ts') },
    outdir: join(dist, 'server'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  }),
]);

execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
console.log('ecl-webrtc: built dist/');
