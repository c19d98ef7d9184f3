import type { Clock, Timer } from "./clock.js";
import { MoveInterruptedError } from "./errors.js";
import type { SignalR } from "./signal.js";
import type { Status } from "./status.js";

/** How a temperature controller reads its temperature while a set() settles. */
export type TemperatureSource =
  /** A model, answering at once for a time: progress is reported as soon as it is read. */
  | { readonly at: (time: number) => number }
  /** An instrument, answering a query. */
  | { readonly query: () => Promise<number> };

export interface SettlerOptions {
  /** Named in a MoveInterruptedError; read each time, as a device may be renamed. */
  readonly device: { readonly name: string };
  readonly clock: Clock;
  /** Seconds between reads while settling. */
  readonly pollPeriod: number;
  readonly temperature: TemperatureSource;
  /** A set() is done once the temperature stays within this of the target... */
  readonly tolerance: SignalR<number>;
  /** ...for this many seconds. */
  readonly settleTime: SignalR<number> | number;
}

/** One set() of a temperature controller, waiting for the temperature to settle at its target. */
export class Settling {
  /** The temperature when set() started; NaN until read. */
  initial: number;
  /** The latest temperature read. */
  latest: number;

  constructor(
    readonly status: Status,
    readonly target: number,
    initial = Number.NaN,
  ) {
    this.initial = initial;
    this.latest = initial;
  }

  /** Records the temperature set() starts from, once the controller has read it. */
  startFrom(temperature: number): void {
    this.initial = temperature;
    this.latest = temperature;
  }
}

/**
 * The settling of a temperature controller's set(): reads the temperature every `pollPeriod`
 * on the clock, reports progress to the Status and finishes it once the temperature has stayed
 * within `tolerance` of the target for `settleTime`. One set() at a time: a later one, or a
 * stop, interrupts the one in progress. What a set() writes first stays with the controller.
 */
export class Settler {
  private current: Settling | undefined;
  /** When the temperature of the current set() last came within tolerance. */
  private withinSince: number | undefined;
  private timer: Timer | undefined;

  constructor(private readonly options: SettlerOptions) {}

  /** Makes a set() the current one; interrupt() the previous one first. */
  begin(status: Status, target: number, initial?: number): Settling {
    const settling = new Settling(status, target, initial);
    this.current = settling;
    this.withinSince = undefined;
    this.timer = undefined;
    return settling;
  }

  /** False once the set() has settled, failed, or been interrupted or taken. */
  isCurrent(settling: Settling): boolean {
    return this.current === settling;
  }

  /**
   * Reads the temperature now, then every `pollPeriod` until it has settled. Resolves after
   * the first read; a failed read fails the Status.
   */
  follow(settling: Settling): Promise<void> {
    return this.poll(settling).catch((error: unknown) => this.fail(settling, error));
  }

  /** Fails a set() with `error`, ending it if it is the current one. */
  fail(settling: Settling, error: unknown): void {
    if (this.current === settling) this.current = undefined;
    settling.status.fail(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * Fails the set() in progress, if any, with a MoveInterruptedError saying `why`, at
   * `position()` (default the latest temperature read).
   */
  interrupt(why: string, position?: () => number): void {
    const settling = this.take();
    if (!settling) return;
    const { name } = this.options.device;
    const at = position ? position() : settling.latest;
    settling.status.fail(new MoveInterruptedError(name, settling.target, at, why));
  }

  /** Ends the set() in progress, if any, without completing it: stop() decides how. */
  take(): Settling | undefined {
    const settling = this.current;
    this.current = undefined;
    if (settling) this.timer?.cancel();
    return settling;
  }

  private async poll(settling: Settling): Promise<void> {
    if (this.current !== settling) return;
    if (settling.status.done) {
      // Timed out: nobody waits any more, and a loop that never settles must not poll forever.
      this.current = undefined;
      return;
    }
    const { clock, temperature: source, tolerance, settleTime } = this.options;
    let now: number, temperature: number, band: number, duration: number;
    if ("at" in source) {
      now = clock.now();
      temperature = source.at(now);
      this.report(settling, temperature);
      band = await tolerance.get();
      duration = typeof settleTime === "number" ? settleTime : await settleTime.get();
      if (this.current !== settling) return;
    } else {
      [temperature, band, duration] = await Promise.all([
        source.query(),
        tolerance.get(),
        typeof settleTime === "number" ? settleTime : settleTime.get(),
      ]);
      if (this.current !== settling) return;
      now = clock.now();
      this.report(settling, temperature);
    }
    // A NaN reading is never within tolerance.
    if (Math.abs(temperature - settling.target) <= band) this.withinSince ??= now;
    else this.withinSince = undefined;
    if (this.withinSince !== undefined && now - this.withinSince >= duration) {
      this.current = undefined;
      settling.status.finish();
      return;
    }
    this.timer = clock.schedule(this.options.pollPeriod, () => void this.follow(settling));
  }

  private report(settling: Settling, temperature: number): void {
    settling.latest = temperature;
    settling.status.report({
      current: temperature,
      initial: settling.initial,
      target: settling.target,
    });
  }
}
