/**
 * The floor's signaling: the least a relay can do. A socket per `?id=`, and each
 * JSON message is forwarded to `dst` with `src` stamped. No validation, no rooms,
 * no reconnection: whatever ours or PeerJS spend beyond this is their overhead.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerBenchProbes } from './probe.js';

const port = Number(process.argv[2] ?? 0);
const sockets = new Map<string, WebSocket>();
const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http });

wss.on('connection', (ws, req) => {
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id');
  if (!id || sockets.has(id)) return ws.close(4000, 'id');
  sockets.set(id, ws);
  ws.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as { dst?: string; src?: string };
    const target = message.dst ? sockets.get(message.dst) : undefined;
    if (!target) return;
    message.src = id;
    target.send(JSON.stringify(message));
  });
  ws.on('close', () => sockets.get(id) === ws && sockets.delete(id));
});

http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`READY ${JSON.stringify({ url: `ws://127.0.0.1:${actual}/`, port: actual })}\n`);
});

answerBenchProbes();
