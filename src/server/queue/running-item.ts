import { randomUUID } from "node:crypto";
import { QueueError } from "./errors.js";
import type { QueueDb } from "./queue-database.js";
import { writeTransaction } from "./queue-database.js";
import { cleanItem } from "./queue-item.js";
import type { PlanHistory } from "./plan-history.js";
import type { QueueTable } from "./queue-table.js";
import type { SettingsTable } from "./settings-table.js";
import type { ExitStatus, HistoryItem, ItemResult, QueueItem, QueueMode } from "./wire-schemas.js";

/** What the caller knows when a plan ends; times default to the start and now. */
export type FinishedResult = Pick<ItemResult, "exit_status"> &
  Partial<Omit<ItemResult, "exit_status">>;

/** The next item taken from the front of the queue. */
export interface NextItem {
  item: QueueItem;
  /** True for a plan, now the running item; an instruction is only taken out. */
  running: boolean;
}

/** Starting and finishing the running item, each one transaction across queue and history. */
export class RunningItem {
  readonly #db: QueueDb;
  readonly #table: QueueTable;
  readonly #history: PlanHistory;
  readonly #settings: SettingsTable;
  readonly #now: () => number;
  readonly #mode: () => QueueMode;

  constructor(
    db: QueueDb,
    table: QueueTable,
    history: PlanHistory,
    settings: SettingsTable,
    now: () => number,
    mode: () => QueueMode,
  ) {
    this.#db = db;
    this.#table = table;
    this.#history = history;
    this.#settings = settings;
    this.#now = now;
    this.#mode = mode;
  }

  /**
   * Takes the front item: a plan becomes the running item; an instruction leaves the queue
   * (in loop mode a copy with a new uid goes to the back). Undefined when the queue is empty
   * or a plan is already running.
   */
  startNext(): NextItem | undefined {
    return writeTransaction(this.#db, () => {
      if (this.#table.running()) return undefined;
      const order = this.#table.order();
      const uid = order[0];
      if (uid === undefined) return undefined;
      const item = this.#table.item(uid)!;
      this.#table.delete([uid]);
      const next = order.slice(1);
      if (item.item_type === "plan") {
        this.#table.setRunning(item, this.#now());
      } else if (this.#mode().loop) {
        const copy = { ...cleanItem(item), item_uid: randomUUID() };
        this.#table.store([copy]);
        next.push(copy.item_uid);
      }
      this.#table.setOrder(next, order);
      this.#settings.renew("plan_queue_uid");
      return { item, running: item.item_type === "plan" };
    });
  }

  /**
   * Makes `item` the running item without its passing through the queue (execute now).
   * Refused while another item runs.
   */
  start(item: QueueItem): void {
    writeTransaction(this.#db, () => {
      const running = this.#table.running();
      if (running)
        throw new QueueError(`item '${running.item.name}' (${running.item.item_uid}) is running`);
      this.#table.setRunning(cleanItem(item), this.#now());
      this.#settings.renew("plan_queue_uid");
    });
  }

  /**
   * Moves the running item to the history with its result. A failed (unless failures are
   * ignored), aborted or halted plan goes back to the front of the queue with a new uid so
   * it can be run again; `pushBack` overrides that choice, e.g. for a stop that counts as a
   * failure. In loop mode an item not pushed back is copied to the back with a new uid.
   * An item that never was in the queue (`outsideQueue`, execute now) goes to the history
   * only.
   */
  finish(
    result: FinishedResult,
    options: { pushBack?: boolean; outsideQueue?: boolean } = {},
  ): {
    history_item: HistoryItem;
    pushed_back: QueueItem | undefined;
  } {
    return writeTransaction(this.#db, () => {
      const running = this.#table.running();
      if (!running) throw new QueueError("no item is running");
      const mode = this.#mode();
      const item = cleanItem(running.item);
      const requeue = options.outsideQueue !== true;
      const pushBack =
        requeue && (options.pushBack ?? pushedBackByDefault(result.exit_status, mode));
      const historyItem: HistoryItem = {
        ...item,
        result: {
          run_uids: [],
          scan_ids: [],
          msg: "",
          traceback: "",
          time_start: running.time_start,
          time_stop: this.#now(),
          ...result,
        },
      };
      this.#table.clearRunning();
      this.#history.add(historyItem);
      let pushedBack: QueueItem | undefined;
      const order = this.#table.order();
      if (pushBack || (requeue && mode.loop)) {
        const copy = { ...item, item_uid: randomUUID() };
        this.#table.store([copy]);
        this.#table.setOrder(
          pushBack ? [copy.item_uid, ...order] : [...order, copy.item_uid],
          order,
        );
        if (pushBack) pushedBack = copy;
      }
      this.#settings.renew("plan_queue_uid");
      return { history_item: historyItem, pushed_back: pushedBack };
    });
  }
}

function pushedBackByDefault(status: ExitStatus, mode: QueueMode): boolean {
  if (status === "failed") return !mode.ignore_failures;
  return status === "aborted" || status === "halted";
}
