// dbNotify: a put with callback completes when every record its processing reached has
// finished its pass (recGblFwdLink), asynchronous ones (calcout ODLY, seq delays, motor
// moves) included.
import type { IocRecord } from "./record.js";

/** What processing tells the puts it works for: a record's pass began, and ended. */
export interface NotifyScope {
  enter(record: IocRecord): void;
  leave(record: IocRecord): void;
}

export class PutNotify implements NotifyScope {
  readonly #pending = new Set<IocRecord>();
  #started = false;
  #resolve!: () => void;
  readonly done = new Promise<void>((resolve) => (this.#resolve = resolve));

  /** A record began a pass within this put. */
  enter(record: IocRecord): void {
    this.#pending.add(record);
  }

  /** A record of this put finished its pass. */
  leave(record: IocRecord): void {
    this.#pending.delete(record);
    this.#check();
  }

  /** The put's own synchronous part is over: from now on, the last leave completes it. */
  start(): void {
    this.#started = true;
    this.#check();
  }

  #check(): void {
    if (this.#started && this.#pending.size === 0) this.#resolve();
  }
}

/** Several puts that joined one pass: what the pass reaches later is reached for each. */
export class JoinedNotifies implements NotifyScope {
  constructor(private readonly scopes: ReadonlySet<NotifyScope>) {}

  enter(record: IocRecord): void {
    for (const scope of this.scopes) scope.enter(record);
  }

  leave(record: IocRecord): void {
    for (const scope of this.scopes) scope.leave(record);
  }
}
