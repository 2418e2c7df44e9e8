// `npm test`: type check, node tests, browser tests, manifest freshness — in that order,
// stopping at the first failure so the cause is the last thing printed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function nodeTestFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? nodeTestFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

const steps = [
  ['type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['node tests', 'node', ['--import', 'tsx', '--test', '--test-concurrency=1', ...nodeTestFiles(join(root, 'test/node'))]],
  ['browser tests', 'npm', ['run', '--silent', 'test:browser']],
  ['custom-elements.json is current', 'npm', ['run', '--silent', 'test:manifest']],
];

for (const [name, cmd, args] of steps) {
  console.log(`\n== ${name}`);
  const started = Date.now();
  const { status } = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  console.log(`== ${name}: ${status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (status !== 0) process.exit(status ?? 1);
}
