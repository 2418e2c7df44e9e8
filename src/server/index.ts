import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { resolveOptions, type ServerOptions } from './config.js';
import { ApiKeys, loadKeysFile } from './keys.js';
import { SIGNALING_PATH, SignalingService } from './signaling.js';
import type { SfuPort } from './sfu-port.js';
import { StaticFiles } from './static.js';

export type { ServerOptions, ApiKeyConfig } from './config.js';
export { SIGNALING_PATH } from './signaling.js';

export interface EclServer {
  httpServer: Server;
  /** http://host:port/ of the listening server (of the attached server in attach mode). */
  url: string;
  signalingUrl: string;
  signaling: SignalingService;
  inspect(key?: string): Promise<{
    peers: string[];
    rooms: { name: string; mode: 'mesh' | 'sfu'; members: string[] }[];
    sfu: Record<string, number>;
  }>;
  dropPeer(peerId: string, key?: string): boolean;
  close(): Promise<void>;
}

export interface CreateOptions extends Partial<ServerOptions> {
  /** Attach signaling to an existing HTTP server (e.g. a dev server) instead of creating and listening. */
  attachTo?: Server;
}

/** werift is imported only when the first SFU room opens: a mesh-only server never loads it. */
async function loadSfu(options: ServerOptions): Promise<SfuPort> {
  const { Sfu } = await import('./sfu/index.js');
  return new Sfu({
    ...(options.sfuAnnouncedIps ? { iceAdditionalHostAddresses: options.sfuAnnouncedIps } : {}),
    ...(options.sfuPortRange ? { icePortRange: options.sfuPortRange } : {}),
    ...(options.verbose ? { log: (message: string, details?: object) => console.log(`[sfu] ${message}`, details ?? '') } : {}),
  });
}

export async function createEclServer(input: CreateOptions = {}): Promise<EclServer> {
  const { attachTo, ...rest } = input;
  const options = resolveOptions(rest);
  const keys = new ApiKeys(options.apiKeys ?? (options.keysFile ? loadKeysFile(options.keysFile) : undefined));
  const signaling = new SignalingService(options, keys, () => loadSfu(options));
  const statics = new StaticFiles(
    [
      options.distDir ? { prefix: '/dist/', dir: resolve(options.distDir) } : undefined,
      options.demoDir ? { prefix: '/', dir: resolve(options.demoDir) } : undefined,
    ].filter((m): m is { prefix: string; dir: string } => m !== undefined),
  );

  const httpServer =
    attachTo ??
    createServer((req, res) => {
      if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      statics.handle(req, res).then(
        (handled) => {
          if (!handled) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
        },
        () => res.writeHead(500).end(),
      );
    });

  httpServer.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === SIGNALING_PATH) signaling.handleUpgrade(req, socket, head);
    else if (!attachTo) socket.destroy(); // in attach mode the host server owns its other paths
  });

  if (!attachTo) {
    await new Promise<void>((resolveListen, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port, options.host, () => resolveListen());
    });
  }
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;

  return {
    httpServer,
    url,
    signalingUrl: `ws://${host}:${address.port}${SIGNALING_PATH}`,
    signaling,
    async inspect(key = 'demo') {
      return { ...signaling.inspect(key), sfu: await signaling.sfuCounters() };
    },
    dropPeer: (peerId, key = 'demo') => signaling.dropPeer(key, peerId),
    async close() {
      await signaling.close();
      if (!attachTo) {
        httpServer.closeAllConnections?.();
        await new Promise<void>((r) => httpServer.close(() => r()));
      }
    },
  };
}
