import { expect } from '@open-wc/testing';
import { waitFor } from './helpers/env.js';
import { uid } from './elements-support.js';

const TAGS = ['ecl-peer', 'ecl-call', 'ecl-data-channel', 'ecl-room'];
const frames: HTMLIFrameElement[] = [];
afterEach(() => {
  for (const iframe of frames.splice(0)) iframe.remove();
});

/** Loads the fixture page with `scripts` in a same-origin iframe; resolves once it loaded (scripts ran). */
async function frame(scripts: string[], id: string): Promise<{ win: Window & typeof globalThis; doc: Document; errors: string[] }> {
  const url = new URL('./elements-embed-page.html', import.meta.url);
  url.search = '';
  for (const src of scripts) url.searchParams.append('script', src);
  url.searchParams.set('id', id);
  const iframe = document.createElement('iframe');
  iframe.src = url.href;
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  document.body.append(iframe);
  frames.push(iframe);
  await loaded;
  const win = iframe.contentWindow as Window & typeof globalThis & { __errors: string[] };
  return { win, doc: iframe.contentDocument!, errors: win.__errors };
}

async function bundleExists(path: string): Promise<void> {
  const res = await fetch(path, { method: 'HEAD' });
  if (!res.ok) throw new Error(`${path} is missing: run \`npm run build\` first (npm run test:browser does)`);
}

describe('embedding', () => {
  it('importing the element modules a second time does not throw and keeps the first definitions', async () => {
    await import('../../src/elements/index.js');
    const before = TAGS.map((tag) => customElements.get(tag));
    expect(before.every(Boolean)).to.equal(true);
    // A query string makes the browser evaluate each module again, as a second bundle would.
    const again = await Promise.all(
      ['ecl-peer', 'ecl-call', 'ecl-data-channel', 'ecl-room'].map(
        (name) => import(/* @vite-ignore */ new URL(`../../src/elements/${name}.ts?again=${uid('v')}`, import.meta.url).href),
      ),
    );
    const classes = again.map((mod) => Object.values(mod as Record<string, unknown>).find((v) => typeof v === 'function'));
    // The modules really ran again (new classes), yet the registry kept the first ones.
    classes.forEach((cls, i) => expect(cls).to.not.equal(before[i]));
    expect(TAGS.map((tag) => customElements.get(tag))).to.deep.equal(before);
  });

  it('one classic <script> of the IIFE bundle defines the elements and a Peer opens', async () => {
    await bundleExists('/dist/ecl-webrtc.iife.js');
    const id = uid('iife');
    const { win, doc, errors } = await frame(['/dist/ecl-webrtc.iife.js'], id);
    expect(errors).to.deep.equal([]);
    for (const tag of TAGS) expect(win.customElements.get(tag), tag).to.be.a('function');
    const el = doc.querySelector('ecl-peer') as HTMLElement & { open: boolean; peerId: string };
    await waitFor(() => el.open && el.peerId === id, 'the Peer in the IIFE page to open with its id');
    // Classic-script apps reach the SDK through the global, e.g. to check a peer exists.
    const sdk = (win as unknown as { EclWebRTC?: { Peer: new (opts: { key: string }) => { fetchPeerExists(id: string): Promise<boolean>; destroy(): void } } }).EclWebRTC;
    expect(sdk?.Peer, 'window.EclWebRTC.Peer').to.be.a('function');
    const probe = new sdk!.Peer({ key: 'demo' });
    try {
      expect(await probe.fetchPeerExists(id)).to.equal(true);
    } finally {
      probe.destroy();
    }
  });

  it('the IIFE twice plus the ESM bundle on one page: no error, and the elements still work', async () => {
    await bundleExists('/dist/ecl-webrtc.js');
    const id = uid('twice');
    const { win, doc, errors } = await frame(['/dist/ecl-webrtc.iife.js', '/dist/ecl-webrtc.iife.js', '/dist/ecl-webrtc.js'], id);
    // Module scripts run before `load`, so every copy has tried to define by now.
    await win.customElements.whenDefined('ecl-room');
    expect(errors).to.deep.equal([]);
    const el = doc.querySelector('ecl-peer') as HTMLElement & { open: boolean; peerId: string };
    await waitFor(() => el.open && el.peerId === id, 'the Peer in the twice-loaded page to open');
  });
});
