import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import type { ErrorType } from '../protocol/index.js';
import { DEFAULT_API_KEYS, type ApiKeyConfig } from './config.js';

const KeysFile = v.strictObject({
  apiKeys: v.record(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/, 'API keys are letters, digits, - and _')),
    v.strictObject({
      allowedOrigins: v.optional(v.array(v.pipe(v.string(), v.url()))),
      secret: v.optional(v.string()),
    }),
  ),
});

/** Reads and validates a keys file; throws an Error naming the file and the first problem. */
export function loadKeysFile(path: string): Record<string, ApiKeyConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read keys file ${path}: ${(err as Error).message}`);
  }
  const parsed = v.safeParse(KeysFile, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new Error(`invalid keys file ${path}: ${where ? `${where}: ` : ''}${issue.message}`);
  }
  return parsed.output.apiKeys;
}

export class ApiKeys {
  readonly #keys: Map<string, ApiKeyConfig>;

  constructor(keys: Record<string, ApiKeyConfig> = DEFAULT_API_KEYS) {
    this.#keys = new Map(Object.entries(keys));
  }

  /** Decides whether a connection may use `key` from `origin` (the browser's Origin header, absent for non-browser clients). */
  check(key: string | null, origin: string | undefined): { ok: true } | { ok: false; type: ErrorType; message: string } {
    const config = key === null ? undefined : this.#keys.get(key);
    if (!config) return { ok: false, type: 'invalid-key', message: `API key "${key ?? ''}" is not known to this server` };
    const allowed = config.allowedOrigins ?? [];
    if (allowed.length === 0) return { ok: true };
    const normalized = origin ? safeOrigin(origin) : undefined;
    if (normalized && allowed.some((o) => safeOrigin(o) === normalized)) return { ok: true };
    return { ok: false, type: 'invalid-domain', message: `origin "${origin ?? '(none)'}" is not allowed for this API key` };
  }
}

function safeOrigin(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
