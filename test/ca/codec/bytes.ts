/** Test helpers: byte vectors written as hex, and random chunking of them. */

/** "00 0f ff" (spaces, newlines and `|` ignored) as bytes. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/[\s|]/g, "");
  if (digits.length % 2 !== 0) throw new Error(`odd number of hex digits in ${text}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Bytes as "00 0f ff", for readable failures. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** The ASCII bytes of `text`, then zeros up to `size`. */
export function ascii(text: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Splits `bytes` into consecutive chunks of random sizes in [1, maxChunk]. */
export function randomChunks(
  bytes: Uint8Array,
  random: () => number,
  maxChunk: number,
): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/** Index of the first element where two numeric arrays differ (-1 when equal), fast on big arrays. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
