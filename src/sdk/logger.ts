/** ECLWebRTC's `debug` option: 0 silent, 1 errors, 2 also warnings, 3 everything. */
export type DebugLevel = 0 | 1 | 2 | 3;

export class Logger {
  constructor(
    public level: DebugLevel = 0,
    private readonly prefix = 'ecl-webrtc',
  ) {}

  error(...args: unknown[]): void {
    if (this.level >= 1) console.error(`[${this.prefix}]`, ...args);
  }

  warn(...args: unknown[]): void {
    if (this.level >= 2) console.warn(`[${this.prefix}]`, ...args);
  }

  log(...args: unknown[]): void {
    if (this.level >= 3) console.log(`[${this.prefix}]`, ...args);
  }
}
