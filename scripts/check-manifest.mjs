#!/usr/bin/env node
/**
 * Fails when the committed custom-elements.json is not what `npm run analyze` would
 * produce from the current sources (JSDoc of src/elements). Regenerates in memory with
 * the project's analyzer config, writes the result to a temp dir for inspection, and
 * compares byte for byte after the same formatting.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '@custom-elements-manifest/analyzer/cli.js';
import { formatManifest } from './format-manifest.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const committedPath = join(root, 'custom-elements.json');

const manifest = await cli({ argv: ['analyze', '--quiet'], cwd: root, noWrite: true });
const fresh = formatManifest(manifest);
const freshPath = join(mkdtempSync(join(tmpdir(), 'ecl-cem-')), 'custom-elements.json');
writeFileSync(freshPath, fresh);

if (!existsSync(committedPath)) {
  console.error('custom-elements.json is missing: run `npm run analyze` and commit it.');
  process.exit(1);
}
const committed = readFileSync(committedPath, 'utf8');
if (committed === fresh) {
  console.log('custom-elements.json is up to date.');
  process.exit(0);
}

const a = committed.split('\n');
const b = fresh.split('\n');
let line = 0;
while (line < a.length && line < b.length && a[line] === b[line]) line++;
console.error(
  [
    'custom-elements.json is stale: it differs from what the analyzer produces from src/elements.',
    `First difference at line ${line + 1}:`,
    `  committed: ${a[line] ?? '(end of file)'}`,
    `  expected:  ${b[line] ?? '(end of file)'}`,
    `Fresh manifest: ${freshPath}`,
    'Fix: run `npm run analyze` and commit custom-elements.json.',
  ].join('\n'),
);
process.exit(1);
