/**
 * Reads and writes in flight, by IOID: one map for the whole client, so any number of
 * requests can be pipelined on a circuit and each reply finds its caller in O(1).
 */
import type { Clock, Timer } from "../../core/index.js";
import { ECA, isEcaSuccess, type DbrData } from "../codec/index.js";
import { CaStatusError, CaTimeoutError } from "./errors.js";
import type { Circuit } from "./circuit.js";

/** What a request needs to know about its channel. */
export interface RequestOwner {
  readonly name: string;
}

interface Pending {
  owner: RequestOwner;
  circuit: Circuit;
  operation: string;
  resolve: (data: DbrData | undefined) => void;
  reject: (error: Error) => void;
  timer: Timer | undefined;
}

export class RequestTable {
  readonly #clock: Clock;
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** A fresh IOID (wrapping at 2^32, skipping any still in use). */
  nextIoid(): number {
    do this.#next = (this.#next + 1) >>> 0;
    while (this.#pending.has(this.#next));
    return this.#next;
  }

  /**
   * Registers a request and returns its IOID and the promise its reply settles. After
   * `timeout` seconds (Infinity: never) it fails with a CaTimeoutError naming `waitedFor`.
   */
  open<T extends DbrData | undefined>(
    owner: RequestOwner,
    circuit: Circuit,
    operation: string,
    timeout: number,
    waitedFor: string,
  ): { ioid: number; promise: Promise<T> } {
    const ioid = this.nextIoid();
    const promise = new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        owner,
        circuit,
        operation,
        resolve: resolve as (data: DbrData | undefined) => void,
        reject,
        timer: undefined,
      };
      if (Number.isFinite(timeout)) {
        pending.timer = this.#clock.schedule(timeout, () => {
          this.#pending.delete(ioid);
          reject(new CaTimeoutError(owner.name, waitedFor, timeout));
        });
      }
      this.#pending.set(ioid, pending);
    });
    return { ioid, promise };
  }

  /** Forgets a request that could not be sent. */
  cancel(ioid: number): void {
    this.#take(ioid);
  }

  /** A READ_NOTIFY or WRITE_NOTIFY reply on `circuit`. */
  settle(
    circuit: Circuit,
    ioid: number,
    ecaStatus: number,
    data: DbrData | null | undefined,
    dataStatus = ECA.NORMAL,
  ): void {
    const pending = this.#pending.get(ioid);
    if (!pending || pending.circuit !== circuit) return;
    this.#take(ioid);
    const status = isEcaSuccess(ecaStatus) ? dataStatus : ecaStatus;
    if (!isEcaSuccess(status)) {
      pending.reject(new CaStatusError(pending.owner.name, pending.operation, status));
    } else if (data === null) {
      pending.reject(new CaStatusError(pending.owner.name, pending.operation, ECA.BADTYPE));
    } else {
      pending.resolve(data ?? undefined);
    }
  }

  /** An ERROR message about request `ioid`. */
  fail(circuit: Circuit, ioid: number, ecaStatus: number, message: string): void {
    const pending = this.#pending.get(ioid);
    if (!pending || pending.circuit !== circuit) return;
    this.#take(ioid);
    pending.reject(new CaStatusError(pending.owner.name, pending.operation, ecaStatus, message));
  }

  /** Fails every request that matches (a lost circuit, a closed channel). */
  failWhere(
    matches: (owner: RequestOwner, circuit: Circuit) => boolean,
    error: (owner: RequestOwner, operation: string) => Error,
  ): void {
    for (const [ioid, pending] of this.#pending) {
      if (!matches(pending.owner, pending.circuit)) continue;
      this.#take(ioid);
      pending.reject(error(pending.owner, pending.operation));
    }
  }

  #take(ioid: number): Pending | undefined {
    const pending = this.#pending.get(ioid);
    if (pending) {
      this.#pending.delete(ioid);
      pending.timer?.cancel();
    }
    return pending;
  }
}
