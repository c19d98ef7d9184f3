import { randomUUID } from "node:crypto";
import { z } from "zod";
import { QueueError } from "./errors.js";
import type { QueueDb } from "./queue-database.js";
import { readTransaction, writeTransaction } from "./queue-database.js";
import { cleanItem, defaultQueueMode } from "./queue-item.js";
import type { MoveDestination, QueueDestination, QueuePosition } from "./queue-positions.js";
import { destinationIndex, moveBatch, moveOne, sourceIndex } from "./queue-positions.js";
import type { QueueTable } from "./queue-table.js";
import type { SettingsTable } from "./settings-table.js";
import type { ItemSubmission, QueueItem, QueueMode } from "./wire-schemas.js";
import { itemSubmissionSchema, queueModeSchema } from "./wire-schemas.js";

/** Checks an item before it enters the queue (plan allowed, parameters fit): a message if not. */
export type ItemValidator = (item: QueueItem) => string | undefined;

/** Who submits an item. */
export interface Submitter {
  user: string;
  user_group: string;
}

export interface QueueSnapshot {
  items: QueueItem[];
  running_item: QueueItem | undefined;
  plan_queue_uid: string;
}

/** One item's outcome in a batch. */
export interface BatchItemResult {
  success: boolean;
  msg: string;
}

export interface AddBatchResult {
  /** False when any item failed; then nothing was added. */
  success: boolean;
  msg: string;
  /** The items as added (with their uids), or as submitted when the batch failed. */
  items: (QueueItem | ItemSubmission)[];
  results: BatchItemResult[];
  qsize: number;
}

/** The item at `pos` or with `uid` (the back of the queue when neither is given). */
export interface ItemSelector {
  pos?: QueuePosition;
  uid?: string;
}

/** The plan queue: every edit is one transaction and renews `plan_queue_uid`. */
export class PlanQueue {
  readonly #db: QueueDb;
  readonly #table: QueueTable;
  readonly #settings: SettingsTable;

  constructor(db: QueueDb, table: QueueTable, settings: SettingsTable) {
    this.#db = db;
    this.#table = table;
    this.#settings = settings;
  }

  get(): QueueSnapshot {
    return readTransaction(this.#db, () => ({
      items: this.#table.items(),
      running_item: this.#table.running()?.item,
      plan_queue_uid: this.#settings.changeUid("plan_queue_uid"),
    }));
  }

  size(): number {
    return this.#table.size();
  }

  get planQueueUid(): string {
    return this.#settings.changeUid("plan_queue_uid");
  }

  runningItem(): QueueItem | undefined {
    return this.#table.running()?.item;
  }

  /** Adds one item with a fresh uid; the validator's message is the error when it refuses. */
  add(
    submission: ItemSubmission,
    by: Submitter,
    dest: QueueDestination = {},
    validate?: ItemValidator,
  ): { item: QueueItem; qsize: number } {
    const item = newItem(submission, by);
    const problem = validate?.(item);
    if (problem !== undefined) throw new QueueError(`item '${item.name}' refused: ${problem}`);
    return writeTransaction(this.#db, () => {
      this.#insert([item], dest);
      return { item, qsize: this.#table.size() };
    });
  }

  /**
   * Adds several items next to each other, all or none: every item is checked first and
   * each failure is reported, so a spreadsheet is never half queued.
   */
  addBatch(
    submissions: readonly ItemSubmission[],
    by: Submitter,
    dest: QueueDestination = {},
    validate?: ItemValidator,
  ): AddBatchResult {
    const results: BatchItemResult[] = [];
    const items: QueueItem[] = [];
    for (const submission of submissions) {
      try {
        const item = newItem(submission, by);
        const problem = validate?.(item);
        results.push({ success: problem === undefined, msg: problem ?? "" });
        items.push(item);
      } catch (error) {
        results.push({
          success: false,
          msg: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const failed = results.filter((r) => !r.success).length;
    if (failed > 0) {
      return {
        success: false,
        msg: `${failed} of ${submissions.length} items were refused; none was added`,
        items: [...submissions],
        results,
        qsize: this.#table.size(),
      };
    }
    return writeTransaction(this.#db, () => {
      this.#insert(items, dest);
      return { success: true, msg: "", items, results, qsize: this.#table.size() };
    });
  }

  getItem(selector: ItemSelector = {}): QueueItem {
    return readTransaction(this.#db, () => {
      const order = this.#table.order();
      const uid = order[sourceIndex(order, selector.pos, selector.uid)]!;
      return this.#table.item(uid)!;
    });
  }

  /**
   * Replaces the queued item with `item.item_uid` by `item`, in place. With `replace`
   * the item gets a new uid (it is a different item now); otherwise it keeps its uid.
   */
  update(
    item: ItemSubmission & { item_uid: string },
    by: Submitter,
    options: { replace?: boolean } = {},
    validate?: ItemValidator,
  ): { item: QueueItem; qsize: number } {
    const updated = newItem(item, by, options.replace ? randomUUID() : item.item_uid);
    const problem = validate?.(updated);
    if (problem !== undefined) throw new QueueError(`item '${updated.name}' refused: ${problem}`);
    return writeTransaction(this.#db, () => {
      if (this.#table.running()?.item.item_uid === item.item_uid) {
        throw new QueueError(`item '${item.item_uid}' is running and cannot be changed`);
      }
      if (!this.#table.has(item.item_uid)) {
        throw new QueueError(`item with uid '${item.item_uid}' is not in the queue`);
      }
      this.#table.replace(item.item_uid, updated);
      this.#changed();
      return { item: updated, qsize: this.#table.size() };
    });
  }

  remove(selector: ItemSelector = {}): { item: QueueItem; qsize: number } {
    return writeTransaction(this.#db, () => {
      const order = this.#table.order();
      const uid = order[sourceIndex(order, selector.pos, selector.uid)]!;
      const item = this.#table.item(uid)!;
      this.#table.delete([uid]);
      this.#table.setOrder(
        order.filter((u) => u !== uid),
        order,
      );
      this.#changed();
      return { item, qsize: order.length - 1 };
    });
  }

  /** Removes several items; a missing uid fails the whole batch unless `ignoreMissing`. */
  removeBatch(
    uids: readonly string[],
    options: { ignoreMissing?: boolean } = {},
  ): { items: QueueItem[]; qsize: number } {
    const { ignoreMissing = true } = options;
    if (new Set(uids).size !== uids.length) throw new QueueError("the batch lists an item twice");
    return writeTransaction(this.#db, () => {
      const order = this.#table.order();
      const missing = uids.filter((uid) => !order.includes(uid));
      if (missing.length > 0 && !ignoreMissing) {
        throw new QueueError(`items not in the queue: ${missing.map((u) => `'${u}'`).join(", ")}`);
      }
      const present = uids.filter((uid) => order.includes(uid));
      const items = present.map((uid) => this.#table.item(uid)!);
      this.#table.delete(present);
      const gone = new Set(present);
      const next = order.filter((uid) => !gone.has(uid));
      this.#table.setOrder(next, order);
      if (present.length > 0) this.#changed();
      return { items, qsize: next.length };
    });
  }

  move(selector: ItemSelector, dest: MoveDestination): { item: QueueItem; qsize: number } {
    return writeTransaction(this.#db, () => {
      const order = this.#table.order();
      const from = sourceIndex(order, selector.pos, selector.uid);
      const next = moveOne(order, from, dest);
      this.#table.setOrder(next, order);
      this.#changed();
      return { item: this.#table.item(order[from]!)!, qsize: order.length };
    });
  }

  moveBatch(
    uids: readonly string[],
    dest: MoveDestination,
    options: { reorder?: boolean } = {},
  ): { items: QueueItem[]; qsize: number } {
    return writeTransaction(this.#db, () => {
      const order = this.#table.order();
      const next = moveBatch(order, uids, dest, options.reorder ?? false);
      this.#table.setOrder(next, order);
      this.#changed();
      const moving = new Set(uids);
      const moved = next.filter((uid) => moving.has(uid));
      return { items: moved.map((uid) => this.#table.item(uid)!), qsize: next.length };
    });
  }

  /** Empties the queue; the running item is not touched. */
  clear(): void {
    writeTransaction(this.#db, () => {
      this.#table.delete(this.#table.order());
      this.#changed();
    });
  }

  mode(): QueueMode {
    return this.#settings.get("plan_queue_mode", queueModeSchema, defaultQueueMode);
  }

  /** Changes some of the mode's flags, or all back to their defaults with "default". */
  setMode(mode: Partial<QueueMode> | "default"): QueueMode {
    return writeTransaction(this.#db, () => {
      const next = mode === "default" ? defaultQueueMode : { ...this.mode(), ...mode };
      const parsed = queueModeSchema.safeParse(next);
      if (!parsed.success) throw new QueueError(`bad queue mode: ${parsed.error.message}`);
      this.#settings.set("plan_queue_mode", parsed.data);
      return parsed.data;
    });
  }

  autostart(): boolean {
    return this.#settings.get("queue_autostart", z.boolean(), false);
  }

  setAutostart(enable: boolean): void {
    writeTransaction(this.#db, () => this.#settings.set("queue_autostart", enable));
  }

  /** Puts stored-ready items at `dest`; inside the caller's transaction. */
  #insert(items: readonly QueueItem[], dest: QueueDestination): void {
    if (items.length === 0) return;
    const order = this.#table.order();
    const at = destinationIndex(order, dest, this.#table.running()?.item.item_uid);
    this.#table.store(items);
    const next = [...order];
    next.splice(at, 0, ...items.map((item) => item.item_uid));
    this.#table.setOrder(next, order);
    this.#changed();
  }

  #changed(): void {
    this.#settings.renew("plan_queue_uid");
  }
}

/** A queue item from what was submitted: only known keys, a fresh uid unless one is given. */
export function newItem(
  submission: ItemSubmission,
  by: Submitter,
  uid: string = randomUUID(),
): QueueItem {
  const parsed = itemSubmissionSchema.safeParse(submission);
  if (!parsed.success) throw new QueueError(`bad item: ${z.prettifyError(parsed.error)}`);
  const { item_type, name, args = [], kwargs = {}, meta } = parsed.data;
  return cleanItem({
    item_uid: uid,
    item_type,
    name,
    args,
    kwargs,
    user: by.user,
    user_group: by.user_group,
    meta,
  });
}
