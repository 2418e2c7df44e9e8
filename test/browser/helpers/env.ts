/**
 * What browser tests need from the test run's real server: its state and a way to
 * simulate a network drop. Served by the plugin in web-test-runner.config.mjs.
 */

export interface ServerState {
  peers: string[];
  rooms: { name: string; mode: 'mesh' | 'sfu'; members: string[] }[];
  sfu: Record<string, number>;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function env(): Promise<{ restrictedSignaling: string; options: Record<string, unknown> }> {
  return getJson('/__ecl/env.json');
}

export function serverState(key = 'demo'): Promise<ServerState> {
  return getJson(`/__ecl/state?key=${encodeURIComponent(key)}`);
}

/** The server terminates the peer's socket without a close frame, as a network failure would. */
export async function dropPeer(peerId: string, key = 'demo'): Promise<void> {
  const { dropped } = await getJson<{ dropped: boolean }>(
    `/__ecl/drop?id=${encodeURIComponent(peerId)}&key=${encodeURIComponent(key)}`,
  );
  if (!dropped) throw new Error(`the server had no socket for peer ${peerId}`);
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves once the video element has decoded at least one frame of real size. */
export async function videoDecodes(video: HTMLVideoElement, what = 'video frames'): Promise<void> {
  if (video.paused) await video.play().catch(() => undefined);
  await waitFor(() => video.videoWidth > 0 && video.videoHeight > 0, what);
}

/**
 * What a remote video shows, by shape: the fake camera is 4:3 and test canvases are 16:9.
 * The shape, not the pixel size, because WebRTC scales resolution down under CPU load
 * (keeping the aspect ratio), so a width check would fail on a busy machine for no fault of ours.
 */
export function videoShape(video: HTMLVideoElement): 'camera 4:3' | 'canvas 16:9' | 'other' | 'none' {
  if (!video.videoWidth || !video.videoHeight) return 'none';
  const ratio = video.videoWidth / video.videoHeight;
  if (Math.abs(ratio - 4 / 3) < 0.03) return 'camera 4:3';
  if (Math.abs(ratio - 16 / 9) < 0.03) return 'canvas 16:9';
  return 'other';
}

/** Sum of framesDecoded over the inbound video RTP streams of a connection. */
export async function framesDecoded(pc: RTCPeerConnection): Promise<number> {
  const stats = await pc.getStats();
  let frames = 0;
  stats.forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
  });
  return frames;
}

/** Plays a MediaStream in a detached <video> and resolves when it decodes frames. */
export async function streamDecodes(stream: MediaStream, what = 'remote stream'): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  await videoDecodes(video, what);
  return video;
}
