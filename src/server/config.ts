/** Server settings: every limit is here with its default, so operators and tests tune one place. */
export interface ServerOptions {
  port: number;
  host: string;
  /** Path of a keys file; none means the embedded default (key `demo`, any origin). */
  keysFile?: string;
  /** Keys given directly (tests); takes precedence over keysFile. */
  apiKeys?: Record<string, ApiKeyConfig>;
  /** How long a dropped peer keeps its ID (and room seats) for a reconnect with its session token. */
  graceMs: number;
  /** Interval of WebSocket pings; a socket that misses one is treated as dropped. */
  heartbeatMs: number;
  /** Largest `room.send` payload, in bytes of its encoded form. */
  maxRoomDataBytes: number;
  maxMeshMembers: number;
  maxSfuMembers: number;
  /** Entries kept per room log. */
  roomLogSize: number;
  /** Messages a socket may send per second (sustained) and in a burst before it is refused. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Messages queued for a dropped peer while it may still reconnect. */
  maxQueuedWhileDropped: number;
  /** Directories served over HTTP; `null` disables static serving (tests that attach to another server). */
  demoDir: string | null;
  distDir: string | null;
  /** Addresses the SFU offers to browsers besides its own interfaces (e.g. a public IP behind NAT). */
  sfuAnnouncedIps?: string[];
  /** UDP port range for SFU media, so a firewall can be opened for exactly that. */
  sfuPortRange?: [number, number];
  /** Log connections, refusals and SFU negotiation problems to stdout. */
  verbose: boolean;
}

export interface ApiKeyConfig {
  /** Origins allowed to use the key; empty or missing means any origin. */
  allowedOrigins?: string[];
  /** Kept for credential-based authentication (a later step); unused for now. */
  secret?: string;
}

export const DEFAULT_API_KEYS: Record<string, ApiKeyConfig> = { demo: {} };

export const DEFAULT_OPTIONS: ServerOptions = {
  port: 8080,
  host: '127.0.0.1',
  graceMs: 10_000,
  heartbeatMs: 15_000,
  maxRoomDataBytes: 1024 * 1024,
  maxMeshMembers: 16,
  maxSfuMembers: 50,
  roomLogSize: 100,
  rateLimitPerSecond: 200,
  rateLimitBurst: 1000,
  maxQueuedWhileDropped: 200,
  demoDir: null,
  distDir: null,
  verbose: false,
};

export function resolveOptions(partial: Partial<ServerOptions> = {}): ServerOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_OPTIONS, ...defined };
}
