// Reopens a dropped port on the clock with exponential backoff, until it opens or is
// cancelled. The request channel decides when to start it and what "open again" means.
import type { Clock, Timer } from "../core/index.js";
import type { ByteTransport } from "./byte-transport.js";

/** Backoff between reopen attempts, in seconds: initialDelay, then × factor up to maxDelay. */
export interface ReconnectOptions {
  /** Default 0.1 s. */
  initialDelay?: number;
  /** Default 5 s. */
  maxDelay?: number;
  /** Default 2. */
  factor?: number;
}

export interface ReopenerHooks {
  /** The port is open again. */
  opened(): void;
  /** An attempt failed; the next one comes after `nextDelay` seconds. */
  failed(error: Error, nextDelay: number): void;
}

export class Reopener {
  private readonly initialDelay: number;
  private readonly maxDelay: number;
  private readonly factor: number;
  private timer: Timer | undefined;
  /** Bumped by start() and cancel(), so an attempt in flight knows it is no longer wanted. */
  private generation = 0;

  constructor(
    private readonly transport: ByteTransport,
    private readonly clock: Clock,
    { initialDelay = 0.1, maxDelay = 5, factor = 2 }: ReconnectOptions,
    private readonly hooks: ReopenerHooks,
  ) {
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
    this.factor = factor;
  }

  /** Starts (or restarts) the attempts: the first after initialDelay. */
  start(): void {
    this.cancel();
    this.schedule(this.generation, this.initialDelay);
  }

  /** Stops the attempts; a port an attempt in flight opens after this is closed again. */
  cancel(): void {
    this.generation++;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(generation: number, delay: number): void {
    this.timer = this.clock.schedule(delay, () => {
      this.timer = undefined;
      void this.attempt(generation, delay);
    });
  }

  private async attempt(generation: number, delay: number): Promise<void> {
    try {
      await this.transport.open();
    } catch (error) {
      if (generation !== this.generation) return;
      const next = Math.min(delay * this.factor, this.maxDelay);
      this.hooks.failed(error instanceof Error ? error : new Error(String(error)), next);
      this.schedule(generation, next);
      return;
    }
    if (generation !== this.generation) await this.transport.close();
    else this.hooks.opened();
  }
}
