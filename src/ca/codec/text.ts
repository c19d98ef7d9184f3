/**
 * NUL-terminated strings in fixed fields and payloads. EPICS strings are bytes; we read and
 * write them as UTF-8 (ASCII in practice). Writing truncates at a character boundary so that
 * the field always keeps its terminating NUL, as EPICS base does with strncpy + NUL.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/**
 * Writes `text` into the zero-filled field `target[offset, offset + fieldSize)`, at most
 * `fieldSize − 1` bytes so the NUL survives. Returns the number of bytes written.
 */
export function writeCString(
  target: Uint8Array,
  offset: number,
  fieldSize: number,
  text: string,
): number {
  if (text.length === 0) return 0;
  return encoder.encodeInto(text, target.subarray(offset, offset + fieldSize - 1)).written;
}

/** Reads the string in `bytes[start, end)` up to its first NUL (or to `end`). */
export function readCString(bytes: Uint8Array, start: number, end: number): string {
  let stop = start;
  while (stop < end && bytes[stop] !== 0) stop++;
  if (stop === start) return "";
  // ASCII fast path: most names, units and states.
  if (stop - start <= 64) {
    let ascii = true;
    for (let i = start; i < stop; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...bytes.subarray(start, stop));
  }
  return decoder.decode(bytes.subarray(start, stop));
}

/** A string as the bytes of a payload: UTF-8 plus its NUL (padding is the header's job). */
export function cStringBytes(text: string): Uint8Array {
  const body = encoder.encode(text);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
}
