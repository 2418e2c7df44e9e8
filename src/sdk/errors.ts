import type { ErrorType } from '../protocol/index.js';

export type { ErrorType } from '../protocol/index.js';

/** Every error the SDK reports; switch on `type` (the ECLWebRTC names, see src/protocol/errors.ts). */
export class PeerError extends Error {
  override readonly name = 'PeerError';

  constructor(
    readonly type: ErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
