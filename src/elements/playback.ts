/**
 * Starts a video and says whether the browser refused autoplay. Only a
 * `NotAllowedError` is a refusal (no user gesture yet, so a play button is needed);
 * an `AbortError` means a newer load (a new stream on the same tile) interrupted this
 * play() and the element will play the new one, so it is not worth a button.
 */
export async function playVideo(video: HTMLVideoElement): Promise<'playing' | 'blocked' | 'interrupted'> {
  try {
    await video.play();
    return 'playing';
  } catch (err) {
    return (err as DOMException | undefined)?.name === 'NotAllowedError' ? 'blocked' : 'interrupted';
  }
}
