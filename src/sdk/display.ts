import { PeerError } from './errors.js';

export interface DisplayStreamOptions {
  /** Also capture tab or system audio where the browser offers it. Default false. */
  audio?: boolean;
  /** Frames per second, capped at 30: screen content rarely needs more and encoders thank you. Default 15. */
  frameRate?: number;
  /** Upper bound of the captured width; default 1920. */
  maxWidth?: number;
  /** Upper bound of the captured height; default 1080. */
  maxHeight?: number;
  /** `detail` (text stays sharp, the default) or `motion` (video playback stays smooth). */
  contentHint?: 'detail' | 'text' | 'motion';
}

/**
 * A screen, window or tab as a MediaStream, ready for `call()` or `replaceStream()`.
 * Must be called from a user gesture in most browsers.
 */
export async function getDisplayStream(options: DisplayStreamOptions = {}): Promise<MediaStream> {
  const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!devices?.getDisplayMedia) {
    throw new PeerError('webrtc', 'screen sharing (getDisplayMedia) is not available in this browser or context');
  }
  const frameRate = Math.max(1, Math.min(options.frameRate ?? 15, 30));
  const stream = await devices.getDisplayMedia({
    video: {
      frameRate: { ideal: frameRate, max: 30 },
      width: { max: options.maxWidth ?? 1920 },
      height: { max: options.maxHeight ?? 1080 },
    },
    audio: options.audio ?? false,
  });
  const hint = options.contentHint ?? 'detail';
  for (const track of stream.getVideoTracks()) {
    if ('contentHint' in track) track.contentHint = hint;
  }
  return stream;
}
