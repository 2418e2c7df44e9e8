/**
 * Debian Chromium headless through puppeteer-core, and a tiny static server for
 * the bench pages. All contenders' libraries are served from this one origin
 * (ours from dist/, PeerJS from its dist/), so loading costs the same for each.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT } from './servers.js';
import { CHROMIUM_FLAGS as BASE_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.js';

export const CHROMIUM = CHROMIUM_PATH;
export const CHROMIUM_FLAGS = [...BASE_FLAGS, '--headless=new'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

/** URL prefix → directory. Nothing else is served. BENCH_DIST points /dist/ elsewhere (a scratch build). */
const MOUNTS: [string, string][] = [
  ['/bench/', join(ROOT, 'bench/pages/')],
  ['/dist/', process.env.BENCH_DIST ? `${process.env.BENCH_DIST.replace(/\/$/, '')}/` : join(ROOT, 'dist/')],
  ['/vendor/peerjs/', join(ROOT, 'node_modules/peerjs/dist/')],
];

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

export async function startStaticServer(): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const mount = MOUNTS.find(([prefix]) => path.startsWith(prefix));
    const file = mount ? normalize(join(mount[1], path.slice(mount[0].length))) : '';
    if (!mount || !file.startsWith(mount[1]) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    protocolTimeout: 300_000,
  });
}

/** Opens the bench page; it exposes `window.bench` once its local media is ready. */
export async function openBenchPage(browser: Browser, origin: string, log: (line: string) => void): Promise<Page> {
  // A context of its own gives the page its own window: two tabs of one window would
  // leave the first one hidden (no requestVideoFrameCallback, background scheduling).
  const page = await (await browser.createBrowserContext()).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') log(`[page ${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => log(`[page error] ${String(e)}`));
  await page.goto(`${origin}/bench/index.html`);
  await page.waitForFunction('window.benchReady === true', { timeout: 30_000 });
  return page;
}

export async function chromiumVersion(): Promise<string> {
  const browser = await launchBrowser();
  try {
    return await browser.version();
  } finally {
    await browser.close();
  }
}
