// SCAN as EPICS schedules it, on the clock: periodic lists (".1 second" .. "10 second") in
// PHAS order, named events, I/O Intr requests, and scanOnce's queue.
import type { Clock, Timer } from "../../core/index.js";
import type { IocRecord } from "./record.js";

/** Seconds of each periodic menuScan choice, by index. */
const PERIODS: Readonly<Record<number, number>> = {
  3: 10,
  4: 5,
  5: 2,
  6: 1,
  7: 0.5,
  8: 0.2,
  9: 0.1,
};
const SCAN_EVENT = 1;
export const SCAN_IO_INTR = 2;

const byPhase = (a: IocRecord, b: IocRecord): number => a.num("PHAS") - b.num("PHAS");

export class Scanner {
  readonly #periodic = new Map<number, IocRecord[]>();
  readonly #events = new Map<string, IocRecord[]>();
  readonly #timers = new Map<number, Timer>();
  #once: IocRecord[] = [];
  #onceTimer: Timer | undefined;
  #running = false;

  constructor(
    private readonly clock: Clock,
    private readonly process: (record: IocRecord) => void,
  ) {}

  /** Puts a record on the list its SCAN names (called at start and when SCAN changes). */
  add(record: IocRecord): void {
    const scan = record.num("SCAN");
    const period = PERIODS[scan];
    if (period !== undefined) {
      const isNew = !this.#periodic.has(period);
      insert(this.#periodic, period, record);
      this.#periodic.get(period)!.sort(byPhase);
      if (isNew && this.#running) this.#tick(period);
    } else if (scan === SCAN_EVENT) insert(this.#events, record.text("EVNT"), record);
  }

  remove(record: IocRecord): void {
    for (const list of [...this.#periodic.values(), ...this.#events.values()]) {
      const index = list.indexOf(record);
      if (index >= 0) list.splice(index, 1);
    }
  }

  /** Starts the periodic lists; each period runs its records in PHAS order. */
  start(): void {
    this.#running = true;
    for (const period of this.#periodic.keys()) this.#tick(period);
  }

  /**
   * One timer per period, for as long as the scanner runs. Each pass is due a period after
   * the one before was due, not after it ended, so the time the pass takes does not slow
   * the rate (as EPICS's periodic scan tasks keep theirs); a pass that overran starts at once.
   */
  #tick(period: number): void {
    const records = this.#periodic.get(period)!;
    let due = this.clock.now() + period;
    const tick = (): void => {
      if (!this.#running) return;
      for (const record of [...records]) this.process(record);
      due += period;
      const now = this.clock.now();
      if (due < now) due = now;
      this.#timers.set(period, this.clock.schedule(due - now, tick));
    };
    this.#timers.set(period, this.clock.schedule(period, tick));
  }

  stop(): void {
    this.#running = false;
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
    this.#onceTimer?.cancel();
  }

  /** post_event: the records whose EVNT names the event, in PHAS order. */
  postEvent(name: string): void {
    const records = this.#events.get(name);
    if (!records) return;
    for (const record of [...records].sort(byPhase)) this.process(record);
  }

  /** scanIoRequest: an I/O Intr record's device has news. */
  ioRequest(record: IocRecord): void {
    if (record.num("SCAN") === SCAN_IO_INTR) this.once(record);
  }

  /** scanOnce: processes the record in a moment, after the current pass. */
  once(record: IocRecord): void {
    this.#once.push(record);
    this.#onceTimer ??= this.clock.schedule(0, () => {
      this.#onceTimer = undefined;
      const queue = this.#once;
      this.#once = [];
      for (const queued of queue) this.process(queued);
    });
  }
}

function insert<K>(lists: Map<K, IocRecord[]>, key: K, record: IocRecord): void {
  let list = lists.get(key);
  if (!list) lists.set(key, (list = []));
  list.push(record);
}
