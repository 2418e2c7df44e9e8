/**
 * The camera/microphone stream an element sends: acquired with getUserMedia on demand,
 * or borrowed from the app (`localStream`). Only an acquired stream is stopped on release,
 * since the app may still use its own. Mute and camera-off are kept as flags so they
 * survive a new stream (next call, next room).
 */
export class LocalMedia {
  stream: MediaStream | null = null;
  muted = false;
  cameraOff = false;
  private owned = false;
  private pending: Promise<MediaStream> | null = null;

  async acquire(options: { audio: boolean; video: boolean; provided?: MediaStream | null }): Promise<MediaStream | undefined> {
    if (options.provided) {
      if (this.stream !== options.provided) {
        this.release();
        this.adopt(options.provided, false);
      }
      return options.provided;
    }
    if (this.stream) return this.stream;
    if (!options.audio && !options.video) return undefined;
    if (!navigator.mediaDevices?.getUserMedia) {
      throw Object.assign(new Error('camera and microphone need a secure context (https or localhost)'), { type: 'media' });
    }
    this.pending ??= navigator.mediaDevices.getUserMedia({ audio: options.audio, video: options.video });
    const pending = this.pending;
    try {
      const stream = await pending;
      // A release() while the prompt was open means nobody wants this stream any more.
      if (this.pending !== pending) {
        stream.getTracks().forEach((t) => t.stop());
        return this.stream ?? undefined;
      }
      this.adopt(stream, true);
      return stream;
    } catch (err) {
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { type: 'media' });
    } finally {
      if (this.pending === pending) this.pending = null;
    }
  }

  release(): void {
    this.pending = null;
    if (this.stream && this.owned) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.owned = false;
  }

  get hasAudio(): boolean {
    return Boolean(this.stream?.getAudioTracks().length);
  }

  get hasVideo(): boolean {
    return Boolean(this.stream?.getVideoTracks().length);
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.apply();
  }

  setCameraOff(off: boolean): void {
    this.cameraOff = off;
    this.apply();
  }

  private adopt(stream: MediaStream, owned: boolean): void {
    this.stream = stream;
    this.owned = owned;
    this.apply();
  }

  // `enabled = false` sends silence/black without renegotiating, and is undone instantly.
  private apply(): void {
    this.stream?.getAudioTracks().forEach((t) => (t.enabled = !this.muted));
    this.stream?.getVideoTracks().forEach((t) => (t.enabled = !this.cameraOff));
  }
}
