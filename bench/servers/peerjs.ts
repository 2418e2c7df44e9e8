/**
 * peer@1.0.2 through its own API, in its own process so its RSS is its own.
 * Same defaults as `npx peerjs --port P --host 127.0.0.1`, except: no per-client
 * console.log (the CLI logs every connect/disconnect, which would tax it in the
 * signaling suite for something that is not signaling), and `concurrent_limit`
 * raised above its default 5000 so the 5k-peer run can connect at all.
 */
import { PeerServer } from 'peer';
import { answerBenchProbes } from './probe.js';

const port = Number(process.argv[2] ?? 0);
const server = PeerServer({ port, host: '127.0.0.1', concurrent_limit: 100_000 }, (http) => {
  const address = http.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`READY ${JSON.stringify({ url: `ws://127.0.0.1:${actual}/peerjs`, port: actual })}\n`);
});
server.on('error', (err: unknown) => process.stderr.write(`peer server error: ${String(err)}\n`));

answerBenchProbes();
