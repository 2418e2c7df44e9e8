/**
 * Our server, through its public entry only, in its own process so its RSS is its own.
 * Default options (key `demo`, any origin), loopback.
 */
import { createEclServer } from '../../src/server/index.js';
import { answerBenchProbes } from './probe.js';

const port = Number(process.argv[2] ?? 0);
const server = await createEclServer({ port, host: '127.0.0.1' });
process.stdout.write(`READY ${JSON.stringify({ url: server.signalingUrl, http: server.url })}\n`);

answerBenchProbes();
