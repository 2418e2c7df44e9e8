import { expect } from '@open-wc/testing';
import { getDisplayStream } from '../../src/sdk/index.js';

describe('getDisplayStream', () => {
  it('returns a screen capture with a capped frame rate and no audio by default', async () => {
    const stream = await getDisplayStream({ frameRate: 60 });
    try {
      const [track] = stream.getVideoTracks();
      expect(track).to.not.equal(undefined);
      expect(stream.getAudioTracks()).to.have.length(0);
      expect(track!.getSettings().frameRate ?? 0).to.be.at.most(30);
      expect(track!.contentHint).to.equal('detail');
    } finally {
      for (const t of stream.getTracks()) t.stop();
    }
  });
});
