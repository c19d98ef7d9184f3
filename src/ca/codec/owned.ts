import { Buffer } from "node:buffer";
/**
 * Buffers the stream reader assembled for one message alone. Nothing else holds them, so
 * decoding may swap a large array in place and return a view of it instead of a second copy.
 */
const owned = new WeakSet<ArrayBufferLike>();

/** A fresh, uninitialised buffer of `n` bytes that decoding may reuse in place. */
export function ownedBuffer(n: number): Uint8Array {
  const memory = Buffer.allocUnsafeSlow(n);
  owned.add(memory.buffer);
  // A plain Uint8Array over the same memory, so values decoded from it are not Buffers.
  return new Uint8Array(memory.buffer, memory.byteOffset, n);
}

export function isOwned(bytes: Uint8Array): boolean {
  return owned.has(bytes.buffer);
}
