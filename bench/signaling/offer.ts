/** Shared by the load generator and the hot-path timing, so both relay the same offer. */

/** A ~4 KB SDP-shaped string: the size and line structure of a real audio+video offer. */
export function offerSdp(): string {
  const lines = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1', 'a=msid-semantic: WMS stream'];
  let i = 0;
  while (lines.join('\r\n').length < 4000) {
    lines.push(i % 3 === 0 ? `a=rtpmap:${96 + (i % 30)} VP8/90000` : i % 3 === 1 ? `a=rtcp-fb:${96 + (i % 30)} nack pli` : `a=candidate:${i} 1 udp 2122260223 192.0.2.2 ${40000 + i} typ host generation 0 network-id 1`);
    i++;
  }
  return `${lines.join('\r\n')}\r\n`;
}
