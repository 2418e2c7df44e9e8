/**
 * What the browser suites share: one signaling server per contender (child
 * processes), one Chromium, two pages (caller A, callee B), and in each page one
 * endpoint per contender, all connected before any timing starts.
 */
import type { Browser, Page } from 'puppeteer-core';
import { launchBrowser, openBenchPage, startStaticServer, type StaticServer } from './browser.js';
import { CONTENDERS, oursMissing, startServer, type Contender, type RunningServer } from './servers.js';

export interface Session {
  a: Page;
  b: Page;
  /** Contenders that initialised on both pages, in run order. */
  ready: Contender[];
  /** Why a contender could not run. */
  skipped: Partial<Record<Contender, string>>;
  ids: Record<Contender, { a: string; b: string }>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitUntil(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

export function call<T>(page: Page, fn: string, ...args: unknown[]): Promise<T> {
  return page.evaluate((f: string, a: unknown[]) => (window as any).bench[f](...a), fn, args) as Promise<T>;
}

export async function openSession(log: (line: string) => void, contenders: Contender[] = CONTENDERS): Promise<Session> {
  const servers: RunningServer[] = [];
  const skipped: Session['skipped'] = {};
  const wanted = contenders.filter((c) => {
    const why = c === 'ours' ? oursMissing(true) : undefined;
    if (why) skipped[c] = why;
    return !why;
  });
  for (const c of wanted) {
    try {
      servers.push(await startServer(c));
    } catch (e) {
      skipped[c] = `server failed to start: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  const statics: StaticServer = await startStaticServer();
  const browser: Browser = await launchBrowser();
  const a = await openBenchPage(browser, statics.origin, (l) => log(`A ${l}`));
  const b = await openBenchPage(browser, statics.origin, (l) => log(`B ${l}`));
  const suffix = Math.random().toString(36).slice(2, 8);
  const ids = {} as Session['ids'];
  const ready: Contender[] = [];
  for (const server of servers) {
    const c = server.contender;
    ids[c] = { a: `${c}-a-${suffix}`, b: `${c}-b-${suffix}` };
    try {
      await withTimeout(call(a, 'init', c, { signaling: server.url, id: ids[c].a }), 20_000, `${c} init on A`);
      await withTimeout(call(b, 'init', c, { signaling: server.url, id: ids[c].b }), 20_000, `${c} init on B`);
      ready.push(c);
    } catch (e) {
      skipped[c] = `could not open a peer: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return {
    a,
    b,
    ready,
    skipped,
    ids,
    async close() {
      await browser.close().catch(() => {});
      await statics.close();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

/** Ends the current calls/connections of a contender on both pages and lets the teardown settle. */
export async function reset(s: Session, c: Contender): Promise<void> {
  await call(s.a, 'closeAll', c);
  await call(s.b, 'closeAll', c);
  await sleep(200);
}
