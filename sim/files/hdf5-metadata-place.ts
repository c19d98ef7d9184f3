/**
 * Where the next block of HDF5 metadata of a frame file goes. The frames grow from a fixed
 * address; a block must never overlap them nor the block the superblock names now (which
 * must stay whole until the superblock names another). Pure arithmetic, byte offsets.
 */

/** Bytes [at, end) of the file. */
export interface Region {
  at: number;
  end: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function clear(at: number, size: number, current: Region): boolean {
  return at + size <= current.at || at >= current.end;
}

/** The first of `slots` (before the frames, never reached by them) that holds `size` bytes clear of `current`. */
function frontSlot(slots: readonly Region[], size: number, current: Region): number | undefined {
  return slots.find((slot) => slot.at + size <= slot.end && clear(slot.at, size, current))?.at;
}

/**
 * A place for a block of `size` bytes while frames still come: a slot before the frames if
 * one holds it, clear of the current block (so blocks alternate between two slots and stay
 * where readers found them for a flush more). Else past the frames' end `dataEnd`: `reserve`
 * bytes past it if clear of the current block, else just before the current block if that
 * leaves half the reserve for frames, else right after it; so blocks alternate around
 * `dataEnd + reserve` instead of creeping on when flushes come faster than frames.
 */
export function nextPlace(
  dataEnd: number,
  size: number,
  current: Region,
  reserve: number,
  slots: readonly Region[] = [],
): number {
  const front = frontSlot(slots, size, current);
  if (front !== undefined) return front;
  // room enough that the final block, right after the frames, is clear of this one
  const room = Math.max(reserve, 2 * size + 4096);
  const ahead = align8(dataEnd + room);
  if (clear(ahead, size, current)) return ahead;
  const before = Math.floor((current.at - size) / 8) * 8;
  if (before >= dataEnd + room / 2) return before;
  return align8(current.end);
}

/**
 * The last block's place: a slot before the frames, else right after the frames; undefined
 * if the current block is in the way.
 */
export function finalPlace(
  dataEnd: number,
  size: number,
  current: Region,
  slots: readonly Region[] = [],
): number | undefined {
  const front = frontSlot(slots, size, current);
  if (front !== undefined) return front;
  const at = align8(dataEnd);
  return clear(at, size, current) ? at : undefined;
}
