import type { ShownBytes } from "./cassette-errors.js";
import {
  CassetteEndError,
  CassetteIncompleteError,
  CassetteMismatchError,
} from "./cassette-errors.js";
import type { Cassette } from "./cassette-format.js";

/** A recorded request, at the cassette line where it starts. */
export interface RecordedStep {
  readonly line: number;
}

/**
 * Where a player is in its cassette's requests, and what went wrong: both players (bytes and
 * Modbus) move through their recorded requests, skip ahead when not strict, and fail with the
 * same errors naming the cassette line. `show` gives a step as errors show it.
 */
export class ReplayCursor<S extends RecordedStep> {
  readonly strict: boolean;
  private readonly cassette: Cassette;
  private readonly steps: readonly S[];
  private readonly show: (step: S) => ShownBytes;
  private index = 0;
  private skippedCount = 0;
  private firstFailure: Error | undefined;

  constructor(
    cassette: Cassette,
    steps: readonly S[],
    strict: boolean,
    show: (step: S) => ShownBytes,
  ) {
    this.cassette = cassette;
    this.steps = steps;
    this.strict = strict;
    this.show = show;
  }

  /** The request the driver should make next; undefined past the end. */
  get next(): S | undefined {
    return this.steps[this.index];
  }

  /** Requests of the cassette still to come. */
  get remaining(): number {
    return this.steps.length - this.index;
  }

  /** Requests a non-strict player skipped to find a match. */
  get skipped(): number {
    return this.skippedCount;
  }

  /** The first mismatch or overrun, kept even when the driver caught it and went on. */
  get failure(): Error | undefined {
    return this.firstFailure;
  }

  /** The next request, which the driver has now made, moving past it. */
  take(): S {
    const step = this.next;
    if (!step) throw new RangeError("no recorded request left to take");
    this.index++;
    return step;
  }

  /**
   * The driver asked for `actual` instead of the next request. Not strict: moves to the first
   * later request `matches` accepts and returns it (still to take); else throws the mismatch.
   */
  skipTo(matches: (step: S) => boolean, actual: ShownBytes): S {
    const expected = this.next;
    if (!expected) this.pastEnd(actual);
    if (!this.strict) {
      const found = this.steps.findIndex((step, i) => i > this.index && matches(step));
      if (found >= 0) {
        this.skippedCount += found - this.index;
        this.index = found;
        return this.steps[found]!;
      }
    }
    const detail = this.strict
      ? undefined
      : "the request is not in the rest of the cassette, which expected next";
    const { file } = this.cassette;
    this.fail(new CassetteMismatchError(file, expected.line, this.show(expected), actual, detail));
  }

  /** The driver asked for `actual` after the last recorded request. */
  pastEnd(actual: ShownBytes): never {
    this.fail(new CassetteEndError(this.cassette.file, this.cassette.lastLine, actual));
  }

  /** Throws the first failure, or a CassetteIncompleteError if requests were never asked. */
  assertComplete(): void {
    if (this.firstFailure) throw this.firstFailure;
    const next = this.next;
    if (next) {
      const { file } = this.cassette;
      throw new CassetteIncompleteError(file, next.line, this.remaining, this.show(next));
    }
  }

  private fail(error: Error): never {
    this.firstFailure ??= error;
    throw error;
  }
}

/** How far a player got through its cassette, which both players tell the same way. */
export abstract class CassetteReplay<S extends RecordedStep> {
  protected abstract readonly cursor: ReplayCursor<S>;

  /** Each request must be the next one recorded (else it may skip ahead). */
  get strict(): boolean {
    return this.cursor.strict;
  }

  /** Requests of the cassette still to come. */
  get remaining(): number {
    return this.cursor.remaining;
  }

  /** Requests a non-strict player skipped to find a match. */
  get skipped(): number {
    return this.cursor.skipped;
  }

  /** The first mismatch or overrun, kept even when the driver caught it and went on. */
  get failure(): Error | undefined {
    return this.cursor.failure;
  }

  /** Throws the first failure, or a CassetteIncompleteError if requests were never asked. */
  assertComplete(): void {
    this.cursor.assertComplete();
  }
}
