import { QueueError } from "./errors.js";

/** A place in the queue: an index (negative counts from the back), "front" or "back". */
export type QueuePosition = number | "front" | "back";

/** Where to put an item: at most one of a position or a neighbour's uid. */
export interface QueueDestination {
  pos?: QueuePosition;
  before_uid?: string;
  after_uid?: string;
}

/** The index an item lands on when inserted at `pos`, as Python's list.insert counts. */
export function insertionIndex(size: number, pos: QueuePosition): number {
  if (pos === "back") return size;
  if (pos === "front") return 0;
  checkInteger(pos);
  if (pos >= size) return size;
  if (pos <= -size) return 0;
  return pos >= 0 ? pos : size + pos;
}

/** The index of the item at `pos`, or undefined when the queue has no such item. */
export function itemIndex(size: number, pos: QueuePosition): number | undefined {
  if (size === 0) return undefined;
  if (pos === "front") return 0;
  if (pos === "back") return size - 1;
  checkInteger(pos);
  const index = pos >= 0 ? pos : size + pos;
  return index >= 0 && index < size ? index : undefined;
}

function checkInteger(pos: number): void {
  if (!Number.isInteger(pos)) throw new QueueError(`position ${pos} is not an integer`);
}

function checkOneDestination(dest: QueueDestination, posName: string): void {
  const given = [dest.pos, dest.before_uid, dest.after_uid].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw new QueueError(
      `ambiguous destination: give only one of ${posName}, before_uid, after_uid`,
    );
  }
}

/**
 * Where new items go in `order` (the queue's uids, front first). Inserting before the
 * running item is refused; inserting after it means the front of the queue.
 */
export function destinationIndex(
  order: readonly string[],
  dest: QueueDestination,
  runningUid: string | undefined,
): number {
  checkOneDestination(dest, "pos");
  const refUid = dest.before_uid ?? dest.after_uid;
  if (refUid === undefined) return insertionIndex(order.length, dest.pos ?? "back");
  const before = dest.before_uid !== undefined;
  if (refUid === runningUid) {
    if (before) throw new QueueError("cannot insert an item before the running item");
    return 0;
  }
  const index = order.indexOf(refUid);
  if (index < 0) throw new QueueError(`item with uid '${refUid}' is not in the queue`);
  return before ? index : index + 1;
}

/** The index of the item named by `uid` or at `pos` (the back when neither is given). */
export function sourceIndex(order: readonly string[], pos?: QueuePosition, uid?: string): number {
  if (pos !== undefined && uid !== undefined) {
    throw new QueueError("ambiguous item: give a position or a uid, not both");
  }
  if (uid !== undefined) {
    const index = order.indexOf(uid);
    if (index < 0) throw new QueueError(`item with uid '${uid}' is not in the queue`);
    return index;
  }
  const index = itemIndex(order.length, pos ?? "back");
  if (index === undefined) {
    throw new QueueError(
      order.length === 0 ? "the queue is empty" : `position ${String(pos)} is out of range`,
    );
  }
  return index;
}

/** Where a move ends: a final index, or beside another item. */
export interface MoveDestination {
  pos_dest?: QueuePosition;
  before_uid?: string;
  after_uid?: string;
}

/**
 * The queue order after moving the item at `from`. With `pos_dest` the item ends at that
 * index of the queue; moving an item before or after itself changes nothing.
 */
export function moveOne(order: readonly string[], from: number, dest: MoveDestination): string[] {
  checkOneDestination({ pos: dest.pos_dest, ...dest }, "pos_dest");
  const uid = order[from]!;
  const rest = order.filter((_, i) => i !== from);
  const refUid = dest.before_uid ?? dest.after_uid;
  if (refUid === undefined) {
    if (dest.pos_dest === undefined) throw new QueueError("no destination given for the move");
    const to = itemIndex(order.length, dest.pos_dest);
    if (to === undefined)
      throw new QueueError(`destination ${String(dest.pos_dest)} is out of range`);
    rest.splice(to, 0, uid);
    return rest;
  }
  if (refUid === uid) return [...order];
  const ref = rest.indexOf(refUid);
  if (ref < 0) throw new QueueError(`item with uid '${refUid}' is not in the queue`);
  rest.splice(dest.before_uid !== undefined ? ref : ref + 1, 0, uid);
  return rest;
}

/**
 * The queue order after moving several items together. They keep the order of `uids`,
 * or their order in the queue when `reorder` is set. A batch goes to the front or the
 * back, or beside an item outside the batch.
 */
export function moveBatch(
  order: readonly string[],
  uids: readonly string[],
  dest: MoveDestination,
  reorder: boolean,
): string[] {
  checkOneDestination({ pos: dest.pos_dest, ...dest }, "pos_dest");
  if (new Set(uids).size !== uids.length) throw new QueueError("the batch lists an item twice");
  const missing = uids.filter((uid) => !order.includes(uid));
  if (missing.length > 0) {
    throw new QueueError(`items not in the queue: ${missing.map((u) => `'${u}'`).join(", ")}`);
  }
  const moving = new Set(uids);
  const batch = reorder ? order.filter((uid) => moving.has(uid)) : [...uids];
  const rest = order.filter((uid) => !moving.has(uid));
  const refUid = dest.before_uid ?? dest.after_uid;
  let at: number;
  if (refUid !== undefined) {
    if (moving.has(refUid))
      throw new QueueError(`the destination item '${refUid}' is in the batch`);
    const ref = rest.indexOf(refUid);
    if (ref < 0) throw new QueueError(`item with uid '${refUid}' is not in the queue`);
    at = dest.before_uid !== undefined ? ref : ref + 1;
  } else if (dest.pos_dest === "front") {
    at = 0;
  } else if (dest.pos_dest === "back") {
    at = rest.length;
  } else {
    throw new QueueError("a batch moves to pos_dest 'front' or 'back', or before_uid/after_uid");
  }
  rest.splice(at, 0, ...batch);
  return rest;
}
