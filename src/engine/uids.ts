import { getRandomValues } from "node:crypto";

/** The ASCII codes of each byte value's two hex digits. */
const DIGITS = new TextEncoder().encode("0123456789abcdef");
const HIGH = Uint8Array.from({ length: 256 }, (_, byte) => DIGITS[byte >> 4]!);
const LOW = Uint8Array.from({ length: 256 }, (_, byte) => DIGITS[byte & 15]!);
const DASH = "-".charCodeAt(0);
/** getRandomValues fills at most 65,536 bytes per call: 4,096 uids of 16 bytes. */
const UIDS_PER_FILL = 4096;
const UUID_LENGTH = 36;
const latin1 = new TextDecoder("latin1");

/**
 * `count` random (version 4) UUIDs, as crypto.randomUUID makes them, written as text into
 * one buffer per 4,096 and cut from one decoded string: an event page of a million rows
 * needs a million uids, and making them one string at a time costs seconds.
 */
export function randomUuids(count: number): string[] {
  const uids = new Array<string>(count);
  const random = new Uint8Array(16 * Math.min(count, UIDS_PER_FILL));
  const text = new Uint8Array(UUID_LENGTH * Math.min(count, UIDS_PER_FILL));
  for (let done = 0; done < count;) {
    const batch = Math.min(count - done, UIDS_PER_FILL);
    getRandomValues(random.subarray(0, 16 * batch));
    for (let i = 0; i < batch; i++) writeUuid(random, 16 * i, text, UUID_LENGTH * i);
    const all = latin1.decode(text.subarray(0, UUID_LENGTH * batch));
    for (let i = 0; i < batch; i++)
      uids[done + i] = all.slice(UUID_LENGTH * i, UUID_LENGTH * (i + 1));
    done += batch;
  }
  return uids;
}

/** Writes 16 random bytes as a version 4, variant 1 UUID: 8-4-4-4-12 hex digits. */
function writeUuid(bytes: Uint8Array, from: number, out: Uint8Array, at: number): void {
  let o = at;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out[o++] = DASH;
    let byte = bytes[from + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    out[o++] = HIGH[byte]!;
    out[o++] = LOW[byte]!;
  }
}
