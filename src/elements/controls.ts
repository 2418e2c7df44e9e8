import { html, nothing, type TemplateResult } from 'lit';

// Material-style glyphs, inline so the bundle needs no icon font or extra request.
const micIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z"/></svg>`;
const camIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4z"/></svg>`;
const endIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 9c-1.6 0-3.15.25-4.6.72v3.1c0 .39-.23.74-.56.9-.98.49-1.87 1.12-2.66 1.85a1 1 0 0 1-1.41-.02L.29 13.08a1 1 0 0 1 0-1.41C3.34 8.78 7.46 7 12 7s8.66 1.78 11.71 4.67a1 1 0 0 1 0 1.41l-2.48 2.48a1 1 0 0 1-1.41.02 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z"/></svg>`;
export const callIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25c1.1.37 2.3.57 3.6.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.3.2 2.5.57 3.6a1 1 0 0 1-.25 1l-2.2 2.2z"/></svg>`;

export interface MediaControlsOptions {
  muted: boolean;
  cameraOff: boolean;
  hasAudio: boolean;
  hasVideo: boolean;
  onMute(): void;
  onCamera(): void;
  endLabel: string;
  endPart: string;
  onEnd(): void;
}

/**
 * Mute, camera and end buttons. Toggle buttons keep one name and report their state
 * with `aria-pressed`, so a screen reader says "Mute, pressed" rather than a changing label.
 */
export function renderMediaControls(o: MediaControlsOptions): TemplateResult {
  return html`
    ${o.hasAudio
      ? html`<button type="button" part="control mute-button" aria-pressed=${o.muted ? 'true' : 'false'} @click=${o.onMute}>
          ${micIcon}<span>Mute</span>
        </button>`
      : nothing}
    ${o.hasVideo
      ? html`<button type="button" part="control camera-button" aria-pressed=${o.cameraOff ? 'true' : 'false'} @click=${o.onCamera}>
          ${camIcon}<span>Stop video</span>
        </button>`
      : nothing}
    <button type="button" class="danger" part="control ${o.endPart}" @click=${o.onEnd}>${endIcon}<span>${o.endLabel}</span></button>
  `;
}
