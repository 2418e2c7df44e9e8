import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
};

/** Maps URL prefixes to directories; `undefined` from `resolve` means "not mine". */
export class StaticFiles {
  constructor(private readonly mounts: { prefix: string; dir: string }[]) {}

  /** Serves the file if a mount matches; returns false when the request is not for static files. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    for (const { prefix, dir } of this.mounts) {
      if (!pathname.startsWith(prefix)) continue;
      const relative = normalize(pathname.slice(prefix.length));
      const file = join(dir, relative);
      // normalize() resolves "..": anything that still escapes the mount is refused.
      if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return notFound(res);
      const target = await existingFile(file);
      if (!target) continue;
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'access-control-allow-origin': '*',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(target).pipe(res);
      return true;
    }
    return false;
  }
}

async function existingFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (info.isFile()) return path;
    if (info.isDirectory()) return existingFile(join(path, 'index.html'));
  } catch {
    /* not there */
  }
  return undefined;
}

function notFound(res: ServerResponse): true {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  return true;
}
