/**
 * Just enough of RFC 7741 to tell where a VP8 keyframe starts, so a new
 * subscriber's stream can begin exactly there: a decoder fed delta frames first
 * shows nothing until a keyframe arrives anyway, and starting at one means the
 * first frame it is given is decodable.
 */

/** True when this RTP payload is the first packet of a VP8 keyframe. */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const first = payload[0];
  const extended = (first & 0x80) !== 0;
  const startOfPartition = (first & 0x10) !== 0;
  const partitionIndex = first & 0x07;
  // Only the start of partition 0 carries the VP8 payload header with the frame type.
  if (!startOfPartition || partitionIndex !== 0) return false;
  let offset = 1;
  if (extended) {
    if (payload.length < 2) return false;
    const flags = payload[1];
    offset = 2;
    if (flags & 0x80) {
      // PictureID: one byte, or two when its M bit is set.
      if (payload.length <= offset) return false;
      offset += payload[offset] & 0x80 ? 2 : 1;
    }
    if (flags & 0x40) offset += 1; // TL0PICIDX
    if (flags & 0x30) offset += 1; // TID/Y/KEYIDX
  }
  if (payload.length <= offset) return false;
  // P bit of the payload header: 0 means a keyframe (an "intra" frame).
  return (payload[offset] & 0x01) === 0;
}
