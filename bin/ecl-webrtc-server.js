#!/usr/bin/env node
// The server is built to dist/server/cli.js by `npm run build`.
import('../dist/server/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('ecl-webrtc-server: dist/server/cli.js is missing; run `npm run build` first.');
    process.exit(1);
  }
  throw err;
});
