import { expect } from '@open-wc/testing';
import { streamDecodes, waitFor } from './helpers/env.js';

/** The first ```html block under "## Embed" in README.md, exactly as a reader would copy it. */
async function readmeSnippet(): Promise<string> {
  const readme = await (await fetch('/README.md')).text();
  const section = readme.split('\n## Embed\n')[1];
  const match = section && /```html\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ```html block under "## Embed"');
  return match[1];
}

type RoomElement = HTMLElement & { members: string[]; room: { getPeerConnections?(): Record<string, RTCPeerConnection> } };

describe('README embed snippet', () => {
  it('pasted into two pages, forms a room in which each page decodes the other', async () => {
    const snippet = await readmeSnippet();
    expect(snippet).to.contain('http://127.0.0.1:8080/');
    // Only the server address changes: the test server runs on the test runner's origin. A unique room name keeps runs apart.
    const room = `lobby-${Math.random().toString(36).slice(2, 8)}`;
    const page = snippet
      .replaceAll('http://127.0.0.1:8080/', `${location.origin}/`)
      .replaceAll('ws://127.0.0.1:8080/', `ws://${location.host}/`)
      .replace('name="lobby"', `name="${room}"`);
    const frames = [0, 1].map(() => {
      const iframe = document.createElement('iframe');
      iframe.allow = 'camera; microphone; autoplay';
      iframe.width = '480';
      iframe.height = '360';
      iframe.srcdoc = page;
      document.body.append(iframe);
      return iframe;
    });
    try {
      const rooms = () => frames.map((f) => f.contentDocument?.querySelector('ecl-room') as RoomElement | null);
      await waitFor(() => rooms().every((r) => r !== null && r.members?.length === 1), 'both pages to see one other member');
      const [a, b] = rooms() as RoomElement[];
      const ids = frames.map((f) => (f.contentDocument!.querySelector('ecl-peer') as HTMLElement & { peerId: string }).peerId);
      expect(a.members).to.deep.equal([ids[1]]);
      expect(b.members).to.deep.equal([ids[0]]);
      // Each page renders the other's video: find the remote tile's <video> in the room's shadow DOM.
      for (const [el, remoteId] of [[a, ids[1]], [b, ids[0]]] as const) {
        await waitFor(() => {
          const video = el.shadowRoot?.querySelector(`[data-peer-id="${remoteId}"] video`) as HTMLVideoElement | null;
          return !!video && video.srcObject != null; // not instanceof: the stream belongs to the iframe's realm
        }, `a video tile for ${remoteId}`);
        const video = el.shadowRoot!.querySelector(`[data-peer-id="${remoteId}"] video`) as HTMLVideoElement;
        await streamDecodes(video.srcObject as MediaStream, `video of ${remoteId}`);
      }
    } finally {
      for (const f of frames) f.remove();
    }
  });
});
