import type { PeerContext } from './context.js';
import { PeerError } from './errors.js';
import type { RoomOptions } from './options.js';
import { Room } from './room.js';

/** Placeholder until the SFU helper's implementation lands (it replaces this file). */
export class SfuRoom extends Room {
  constructor(context: PeerContext, name: string, options: RoomOptions) {
    super(context, name, options, 'sfu');
    throw new PeerError('room-error', 'SFU rooms are not available yet');
  }

  replaceStream(_stream: MediaStream): void {}

  getPeerConnection(): RTCPeerConnection | null {
    return null;
  }
}
