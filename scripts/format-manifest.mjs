#!/usr/bin/env node
/**
 * Makes custom-elements.json byte-stable: modules sorted by path (the analyzer lists them
 * in glob order, which depends on the file system), two-space JSON, one trailing newline.
 * Used by `npm run analyze` on the committed file and by check-manifest.mjs on a fresh one.
 *
 *   node scripts/format-manifest.mjs [path/to/custom-elements.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @param {{ modules?: Array<{ path: string }> }} manifest */
export function formatManifest(manifest) {
  const modules = [...(manifest.modules ?? [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `${JSON.stringify({ ...manifest, modules }, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? 'custom-elements.json');
  writeFileSync(file, formatManifest(JSON.parse(readFileSync(file, 'utf8'))));
}
