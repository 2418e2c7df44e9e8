// The self-contained browser build of simple-peer (a UMD bundle without its own
// types). Under a bundler it is a CommonJS module whose default is the class; loaded
// as a plain ES module it has no exports and sets `globalThis.SimplePeer` instead.
declare module 'simple-peer/simplepeer.min.js' {
  import type SimplePeer from 'simple-peer';
  const SimplePeerClass: SimplePeer.SimplePeer | undefined;
  export default SimplePeerClass;
}
