import type { PulseTrain } from "./pulse-train.js";
import { TIME_TOLERANCE } from "./pulse-train.js";

/** A detector's own trigger: `total` pulses every `period` seconds from `start`. */
export class PeriodicPulseTrain implements PulseTrain {
  readonly start: number;
  readonly period: number;
  readonly total: number;

  constructor(start: number, period: number, total: number) {
    if (!(period > 0) || !Number.isFinite(period)) {
      throw new RangeError(`period must be a finite number > 0, got ${period}`);
    }
    if (!Number.isInteger(total) || total < 0) {
      throw new RangeError(`total must be an integer >= 0, got ${total}`);
    }
    this.start = start;
    this.period = period;
    this.total = total;
  }

  countAt(time: number): number {
    if (!(time >= this.start - TIME_TOLERANCE)) return 0;
    const count = Math.floor((time - this.start + TIME_TOLERANCE) / this.period) + 1;
    return Math.min(this.total, count);
  }

  timeOf(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.total) {
      throw new RangeError(`pulse ${index} is not one of the train's ${this.total}`);
    }
    return this.start + index * this.period;
  }
}
