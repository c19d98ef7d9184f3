import type { PulseTrain } from "./pulse-train.js";

/** A detector's own trigger: `total` pulses `period` seconds apart from `start`. */
export class PeriodicTrain implements PulseTrain {
  constructor(
    readonly total: number,
    private readonly period: number,
    private readonly start: number,
  ) {}

  countAt(time: number): number {
    if (!(time >= this.start)) return 0;
    let count = Math.min(this.total, Math.floor((time - this.start) / this.period) + 1);
    // The estimate's float division may be off by one at a pulse time: settle on timeOf.
    while (count < this.total && this.timeOf(count) <= time) count++;
    while (count > 0 && this.timeOf(count - 1) > time) count--;
    return count;
  }

  timeOf(index: number): number {
    return this.start + index * this.period;
  }
}
