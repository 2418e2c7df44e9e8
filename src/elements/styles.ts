import { css } from 'lit';

/** Tiles, videos and the control bar shared by `<ecl-call>` and `<ecl-room>`. */
export const mediaStyles = css`
  :host {
    display: block;
    font-family: var(--ecl-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--ecl-color, #e8eaed);
    box-sizing: border-box;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .tile {
    position: relative;
    margin: 0;
    overflow: hidden;
    aspect-ratio: var(--ecl-tile-aspect-ratio, 4 / 3);
    background: var(--ecl-tile-background, #202124);
    border-radius: var(--ecl-radius, 12px);
    min-width: 0;
  }
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: var(--ecl-video-fit, cover);
    background: transparent;
  }
  .local video {
    transform: var(--ecl-local-transform, scaleX(-1));
  }
  .label {
    position: absolute;
    left: 8px;
    bottom: 8px;
    max-width: calc(100% - 16px);
    padding: 2px 8px;
    border-radius: 6px;
    background: var(--ecl-label-background, rgb(0 0 0 / 0.55));
    color: var(--ecl-label-color, #fff);
    font-size: 0.8125rem;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .placeholder {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    color: var(--ecl-muted-color, #9aa0a6);
    font-size: 0.875rem;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    justify-content: center;
    padding: var(--ecl-gap, 8px) 0 0;
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 40px;
    padding: 0 16px;
    border: 0;
    border-radius: 999px;
    font: inherit;
    font-size: 0.875rem;
    cursor: pointer;
    background: var(--ecl-control-background, #3c4043);
    color: var(--ecl-control-color, #fff);
  }
  button:hover {
    filter: brightness(1.15);
  }
  button:focus-visible {
    outline: 3px solid var(--ecl-focus-ring, #8ab4f8);
    outline-offset: 2px;
  }
  button[aria-pressed='true'] {
    background: var(--ecl-control-active-background, #ea4335);
  }
  button.primary {
    background: var(--ecl-accent, #1a73e8);
  }
  button.danger {
    background: var(--ecl-danger, #d93025);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  svg {
    width: 18px;
    height: 18px;
    fill: currentColor;
    flex: none;
  }
  .status {
    margin: var(--ecl-gap, 8px) 0 0;
    font-size: 0.875rem;
    color: var(--ecl-status-color, inherit);
    text-align: center;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
