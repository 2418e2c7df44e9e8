/**
 * Defines a tag only when it is free, so a page that loads the bundle twice (a CMS
 * adding the script in two widgets, or the ESM and the IIFE build side by side)
 * keeps working instead of throwing `NotSupportedError`.
 */
export function defineOnce(tag: string, ctor: CustomElementConstructor): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  customElements.define(tag, ctor);
}
