import { Buffer } from "node:buffer";

/** True on every host Node runs on today; kept as a check rather than an assumption. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Below this many bytes a plain loop beats wrapping the bytes in a Buffer. */
const SMALL = 128;

/**
 * Converts each `width`-byte element of `bytes` between network (big-endian) and host
 * order, in place, in one bulk pass (Buffer's swap16/32/64, native code for large runs).
 * `bytes.length` must be a multiple of `width`.
 */
export function swapInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1 || !HOST_IS_LITTLE_ENDIAN || bytes.length === 0) return;
  if (bytes.length < SMALL) {
    for (let at = 0; at < bytes.length; at += width) {
      for (let i = at, j = at + width - 1; i < j; i++, j--) {
        const t = bytes[i]!;
        bytes[i] = bytes[j]!;
        bytes[j] = t;
      }
    }
    return;
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 2) view.swap16();
  else if (width === 4) view.swap32();
  else view.swap64();
}
