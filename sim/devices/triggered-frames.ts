import type { Clock, DataKey, DataKeys, PartialEventPage, Timer } from "../../src/core/index.js";
import { Status } from "../../src/core/index.js";
import { FlyScanError } from "./fly-plan.js";
import { PeriodicPulseTrain } from "./periodic-pulse-train.js";
import type { PulseSource, PulseTrain } from "./pulse-train.js";
import { isPulseSource, TIME_TOLERANCE } from "./pulse-train.js";

/** What a detector is prepared with to take a frame per hardware pulse. */
export interface DetectorTriggerInfo {
  /**
   * Whose pulses trigger the frames: a PulseSource such as a SimMotor prepared with `pulses`,
   * or "internal" for frames back to back from the kickoff (default: the detector's
   * configured trigger source). Typed loosely as plans hand over any device.
   */
  trigger?: object | "internal";
  /** Frames to take, from the first pulse (default: one per pulse; needed with "internal"). */
  frames?: number;
  /** Seconds each frame counts for from its pulse (default: the detector's exposure). */
  livetime?: number;
}

/** A frame's value: what the detector measures over [time, time + livetime]. */
export type FrameValue = (time: number, livetime: number) => number;

/**
 * One armed hardware-triggered acquisition: a frame per pulse of the trigger's train, taken
 * once its livetime has passed. Nothing runs per pulse: frames are worked out from the
 * train's times whenever they are collected, column by column.
 */
export class TriggeredFrames {
  readonly trigger: PulseSource | "internal";
  readonly livetime: number;
  private readonly detector: string;
  private readonly requested: number | undefined;
  private train: PulseTrain | undefined;
  private collected = 0;
  /** When stop() ended it: frames not finished by then are never taken. */
  private stoppedAt = Infinity;
  private completion: Status | undefined;
  private unwatch: (() => void) | undefined;
  private timer: Timer | undefined;

  constructor(
    detector: string,
    info: DetectorTriggerInfo,
    defaults: { exposure: number; trigger: PulseSource | undefined },
  ) {
    const { frames, livetime = defaults.exposure } = info;
    const trigger = pulseSource(detector, info.trigger ?? defaults.trigger);
    if (trigger === "internal" && frames === undefined) {
      throw new FlyScanError(detector, "takes frames on internal triggers only when told how many");
    }
    if (frames !== undefined && !(Number.isInteger(frames) && frames >= 1)) {
      throw new FlyScanError(detector, `frames must be an integer >= 1, got ${frames}`);
    }
    if (!(livetime > 0) || !Number.isFinite(livetime)) {
      throw new FlyScanError(detector, `livetime must be > 0 s, got ${livetime}`);
    }
    this.detector = detector;
    this.trigger = trigger;
    this.requested = frames;
    this.livetime = livetime;
  }

  /** Takes the trigger's armed train (or starts its own at `now`); fails when it is too short. */
  arm(now: number): void {
    if (this.trigger === "internal") {
      this.train = new PeriodicPulseTrain(now, this.livetime, this.requested ?? 0);
      return;
    }
    const train = this.currentTrain(this.trigger);
    if (this.requested !== undefined && this.requested > train.total) {
      throw new FlyScanError(
        this.detector,
        `${this.requested} frames asked for but ${this.trigger.name} arms ${train.total} pulses`,
      );
    }
    this.train = train;
  }

  /** The data keys of a page: the detector's value, and the position when the train has one. */
  describe(value: DataKey): DataKeys {
    const { trigger } = this;
    const source =
      trigger === "internal" ? `${this.detector} internal trigger` : `${trigger.name} pulses`;
    const keys: DataKeys = { [this.detector]: { ...value, source, shape: [] } };
    if (trigger !== "internal" && typeof this.currentTrain(trigger).positionOf === "function") {
      const position: DataKey = {
        source: `${trigger.name} position compare`,
        dtype: "number",
        shape: [],
        dtype_numpy: "<f8",
      };
      // The source's units when it has them, as a motor does.
      if ("units" in trigger && typeof trigger.units === "string") position.units = trigger.units;
      keys[trigger.name] = position;
    }
    return keys;
  }

  /** Frames taken since the last call as one page (none when there are none). */
  collect(now: number, frameValue: FrameValue): PartialEventPage[] {
    const train = this.train;
    if (!train) return [];
    const from = this.collected;
    const to = this.takenBy(now);
    if (to <= from) return [];
    const count = to - from;
    const time = new Array<number>(count);
    const values = new Array<number>(count);
    const { livetime } = this;
    for (let i = 0; i < count; i++) {
      const t = train.timeOf(from + i);
      time[i] = t;
      values[i] = frameValue(t, livetime);
    }
    const data: Record<string, number[]> = { [this.detector]: values };
    const timestamps: Record<string, number[]> = { [this.detector]: time.slice() };
    const positionOf = train.positionOf?.bind(train);
    if (positionOf && this.trigger !== "internal") {
      const positions = new Array<number>(count);
      for (let i = 0; i < count; i++) positions[i] = positionOf(from + i);
      data[this.trigger.name] = positions;
      timestamps[this.trigger.name] = time.slice();
    }
    this.collected = to;
    return [{ time, data, timestamps }];
  }

  /** Resolves when every frame has been taken: its last pulse's time plus the livetime. */
  complete(clock: Clock): Status {
    if (this.completion) return this.completion;
    const status = new Status({ name: `${this.detector} complete`, clock });
    this.completion = status;
    const train = this.train;
    if (!train) {
      status.fail(new FlyScanError(this.detector, "was not kicked off"));
      return status;
    }
    const check = (): void => {
      this.timer?.cancel();
      if (status.done) return;
      const now = clock.now();
      const target = this.target();
      if (this.takenBy(now) >= target || now >= this.stoppedAt) {
        this.release();
        status.finish();
        return;
      }
      // Infinity until the trigger source starts: its onChange will call again.
      const due = train.timeOf(target - 1) + this.livetime;
      if (Number.isFinite(due)) this.timer = clock.schedule(Math.max(0, due - now), check);
    };
    this.unwatch = train.onChange?.(check);
    check();
    return status;
  }

  /** No frames after `now`; a waiting complete() fails unless `success`. */
  stop(now: number, success: boolean): void {
    this.stoppedAt = Math.min(this.stoppedAt, now);
    const status = this.completion;
    this.release();
    if (status && !status.done) {
      if (success) status.finish();
      else status.fail(new FlyScanError(this.detector, "was stopped before its last frame"));
    }
  }

  /** Frames to take: as asked, or as many as the train fires (fewer once it is cut short). */
  private target(): number {
    const total = this.train?.total ?? 0;
    return Math.min(this.requested ?? total, total);
  }

  /** How many frames have ended by `now`. */
  private takenBy(now: number): number {
    const train = this.train;
    if (!train) return 0;
    const end = Math.min(now, this.stoppedAt) + TIME_TOLERANCE;
    const target = this.target();
    const { livetime } = this;
    let count = Math.min(target, train.countAt(end - livetime));
    while (count < target && train.timeOf(count) + livetime <= end) count++;
    while (count > 0 && train.timeOf(count - 1) + livetime > end) count--;
    return count;
  }

  private currentTrain(trigger: PulseSource): PulseTrain {
    const train = this.train ?? trigger.pulses;
    if (train) return train;
    const source = trigger.name;
    throw new FlyScanError(
      this.detector,
      `its trigger source ${source} has no armed pulse train: prepare ${source} first`,
    );
  }

  private release(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
  }
}

/** The trigger as given, checked: "internal", or a device with a pulse output. */
function pulseSource(
  detector: string,
  trigger: object | "internal" | undefined,
): PulseSource | "internal" {
  if (trigger === "internal") return trigger;
  if (trigger === undefined) {
    throw new FlyScanError(detector, "has no trigger source: pass `trigger` to prepare()");
  }
  if (isPulseSource(trigger)) return trigger;
  const name = "name" in trigger && typeof trigger.name === "string" ? trigger.name : "its trigger";
  throw new FlyScanError(detector, `${name} has no pulse output, so it cannot trigger frames`);
}
