// Browser tests: real Debian Chromium with fake camera/mic, and the real ecl-webrtc
// signaling server attached to the test runner's own HTTP server at /signaling, so test
// pages reach it on their own origin exactly as a page served by `npm start` does.
import { createServer } from 'node:net';
import { register } from 'tsx/esm/api';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

register();
const { createEclServer } = await import('./src/server/index.ts');

const { CHROMIUM_PATH, CHROMIUM_FLAGS } = await import('./scripts/chromium.ts');
const TEST_CHROMIUM_FLAGS = [
  ...CHROMIUM_FLAGS,
  // Background tabs and hidden pages must keep decoding video for the tests to observe frames.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Test-only server settings: a short grace period and small room limits keep "drop" and "full room" tests fast. */
export const TEST_SERVER_OPTIONS = {
  apiKeys: { demo: {}, other: {} },
  graceMs: 1500,
  heartbeatMs: 5000,
  maxMeshMembers: 6,
  maxSfuMembers: 6,
  // Above the 1 MiB default, so a test shows the SDK applies the server's limit, not its own.
  maxRoomDataBytes: 2 * 1024 * 1024,
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function json(body) {
  return { body: JSON.stringify(body), type: 'json' };
}

/** Starts the servers for the run and exposes a few test-only endpoints under /__ecl/. */
function eclServerPlugin() {
  let main;
  let restricted;
  return {
    name: 'ecl-webrtc-server',
    async serverStart({ server }) {
      main = await createEclServer({ ...TEST_SERVER_OPTIONS, attachTo: server });
      restricted = await createEclServer({ port: 0, keysFile: new URL('./test/fixtures/keys.json', import.meta.url).pathname });
    },
    async serverStop() {
      await main?.close();
      await restricted?.close();
    },
    async serve(context) {
      const key = context.query.key ?? 'demo';
      switch (context.path) {
        case '/__ecl/env.json':
          return json({ restrictedSignaling: restricted.signalingUrl, options: TEST_SERVER_OPTIONS });
        case '/__ecl/state':
          return json(await main.inspect(key));
        case '/__ecl/drop':
          return json({ dropped: main.dropPeer(context.query.id, key) });
        default:
          return undefined;
      }
    },
  };
}

export default {
  files: 'test/browser/**/*.test.ts',
  nodeResolve: { exportConditions: ['browser', 'production'] },
  port: await freePort(),
  // WebRTC tests are CPU-heavy on a 2-core machine: one test file at a time.
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 60_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: new URL('./tsconfig.json', import.meta.url).pathname }), eclServerPlugin()],
  browsers: [chromeLauncher({ launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: TEST_CHROMIUM_FLAGS } })],
};
