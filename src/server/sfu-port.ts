import type { SignalData } from '../protocol/index.js';

/**
 * What the signaling layer needs from the SFU (src/server/sfu). Kept as a type so
 * werift is loaded only when the first SFU room opens.
 */
export interface SfuMemberSink {
  sendSignal(signal: SignalData): void;
  sendStreams(streams: Record<string, string>): void;
}

export interface SfuPort {
  join(roomKey: string, peerId: string, opts: { receiveOnly: boolean }, sink: SfuMemberSink): void;
  signal(roomKey: string, peerId: string, signal: SignalData): void;
  leave(roomKey: string, peerId: string): void;
  counters(): Record<string, number>;
  close(): Promise<void>;
}

/** The SFU's room key: API key and room name, joined by a character neither may contain. */
export function sfuRoomKey(apiKey: string, room: string): string {
  return `${apiKey}\u0000${room}`;
}
