import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from './helpers.js';

const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));

/** Runs the server CLI (what `npm start` and `ecl-webrtc-server` run) and collects its output. */
function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.on('exit', r)) };
}

async function listeningUrl(output: () => string, exited: Promise<number | null>): Promise<string> {
  const deadline = Date.now() + 20_000;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(output());
    if (match) return match[1];
    if (gone || Date.now() > deadline) throw new Error(`server did not start:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('server command line', () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill()));

  it('starts on the given port, prints the URL, serves the demo and signaling', async () => {
    const { child, output, exited } = run(['--port', '0']);
    children.push(child);
    const url = await listeningUrl(output, exited);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(output(), /call\.html/);
    const page = await fetch(new URL('call.html', url));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<ecl-call/);
    assert.equal((await fetch(new URL('healthz', url))).status, 200);
    const client = await Client.open({ signalingUrl: url.replace('http', 'ws') + 'signaling' }, 'key=demo&id=cli-check');
    assert.equal(client.id, 'cli-check');
    await client.close();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('uses a keys file: the demo key is gone and the listed key works', async () => {
    const keys = join(tmpdir(), `ecl-keys-${process.pid}.json`);
    writeFileSync(keys, JSON.stringify({ apiKeys: { site: { allowedOrigins: [] } } }));
    const { child, output, exited } = run(['--port', '0', '--keys', keys]);
    children.push(child);
    const ws = (await listeningUrl(output, exited)).replace('http', 'ws') + 'signaling';
    const refused = new Client(`${ws}?key=demo`);
    assert.equal((await refused.next('error')).errorType, 'invalid-key');
    const ok = await Client.open({ signalingUrl: ws }, 'key=site');
    await ok.close();
    child.kill('SIGTERM');
    await exited;
  });

  it('refuses a broken keys file or a bad flag with a clear message and a non-zero exit', async () => {
    const keys = join(tmpdir(), `ecl-bad-keys-${process.pid}.json`);
    writeFileSync(keys, JSON.stringify({ apiKeys: { site: { allowedOrigins: ['not a url'] } } }));
    const broken = run(['--keys', keys]);
    assert.equal(await broken.exited, 1);
    assert.match(broken.output(), /invalid keys file .*allowedOrigins/);
    const badPort = run(['--port', 'eighty']);
    assert.equal(await badPort.exited, 1);
    assert.match(badPort.output(), /--port must be a whole number/);
  });
});
