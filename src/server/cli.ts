import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS } from './config.js';
import { createEclServer } from './index.js';

const USAGE = `Usage: ecl-webrtc-server [options]

  --port N        port to listen on (default: $PORT or ${DEFAULT_OPTIONS.port})
  --host H        interface to bind (default: ${DEFAULT_OPTIONS.host})
  --keys FILE     API keys file: {"apiKeys": {"KEY": {"allowedOrigins": ["https://site.example"], "secret": "..."}}}
                  (default: the key "demo", usable from any origin)
  --grace-ms N    how long a dropped peer keeps its ID for a reconnect (default: ${DEFAULT_OPTIONS.graceMs})
  --max-mesh N    members per mesh room (default: ${DEFAULT_OPTIONS.maxMeshMembers})
  --max-sfu N     members per SFU room (default: ${DEFAULT_OPTIONS.maxSfuMembers})
  --max-room-data BYTES  largest room.send payload (default: ${DEFAULT_OPTIONS.maxRoomDataBytes})
  --sfu-ip IP     address browsers use to reach SFU media, e.g. a public IP behind NAT (repeatable)
  --sfu-ports A-B UDP port range for SFU media (default: any)
  --verbose       log connections, refusals and SFU negotiation problems
  -h, --help      show this help`;

function packageRoot(): string {
  // Runs from dist/server/cli.js (built) or src/server/cli.ts (tsx): the root is two levels up either way.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      keys: { type: 'string' },
      'grace-ms': { type: 'string' },
      'max-mesh': { type: 'string' },
      'max-sfu': { type: 'string' },
      'max-room-data': { type: 'string' },
      'sfu-ip': { type: 'string', multiple: true },
      'sfu-ports': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${value}"`);
    return n;
  };
  const portRange = (value: string | undefined): [number, number] | undefined => {
    if (value === undefined) return undefined;
    const match = /^(\d+)-(\d+)$/.exec(value);
    const [low, high] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!(low > 0 && high <= 65535 && low <= high)) throw new Error(`--sfu-ports must look like 40000-40999, got "${value}"`);
    return [low, high];
  };
  const root = packageRoot();
  const distDir = join(root, 'dist');
  if (!existsSync(join(distDir, 'ecl-webrtc.js'))) {
    console.warn('ecl-webrtc: dist/ecl-webrtc.js is missing; run `npm run build` so the demo can load the bundle.');
  }
  const server = await createEclServer({
    port: int(values.port ?? process.env.PORT, 'port'),
    host: values.host,
    keysFile: values.keys,
    graceMs: int(values['grace-ms'], 'grace-ms'),
    maxMeshMembers: int(values['max-mesh'], 'max-mesh'),
    maxSfuMembers: int(values['max-sfu'], 'max-sfu'),
    maxRoomDataBytes: int(values['max-room-data'], 'max-room-data'),
    sfuAnnouncedIps: values['sfu-ip'],
    sfuPortRange: portRange(values['sfu-ports']),
    verbose: values.verbose,
    demoDir: join(root, 'demo'),
    distDir,
  });
  console.log(`ecl-webrtc server listening on ${server.url}`);
  console.log(`  demo:      ${server.url}  (1:1 call: ${server.url}call.html)`);
  console.log(`  signaling: ${server.signalingUrl}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(`ecl-webrtc-server: ${err.message}`);
  process.exit(1);
});
