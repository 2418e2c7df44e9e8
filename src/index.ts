/**
 * Browser entry (dist/ecl-webrtc.js and the IIFE): defines the custom elements and
 * re-exports the SDK, so one script tag gives a page both.
 */
export * from './sdk/index.js';
export * from './elements/index.js';
