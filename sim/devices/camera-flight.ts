import type { Clock, Status } from "../../src/core/index.js";
import type { PulseTrain } from "./pulse-train.js";
import { TIME_TOLERANCE } from "./pulse-train.js";

/** One kickoff of a camera to complete: a frame at each pulse of the train, up to `frames`. */
export interface CameraFlight {
  readonly frames: number;
  readonly livetime: number;
  readonly train: PulseTrain;
  /** Names the trigger source in errors. */
  readonly source: string;
  /** Frames of this flight in the file so far. */
  written: number;
  completion?: Status;
  /** When stop() ended it: frames not exposed by then are never taken. */
  stoppedAt: number;
  stopSuccess: boolean;
  /** Wakes a complete() waiting on the clock or the train. */
  wake?: () => void;
}

/** Frames the flight takes: as prepared, or fewer when its train fires fewer pulses. */
export function framesOf(flight: CameraFlight): number {
  return Math.min(flight.frames, flight.train.total);
}

/** Frames whose exposure has ended by `now` (and before a stop). */
export function exposedBy(flight: CameraFlight, now: number): number {
  const end = Math.min(now, flight.stoppedAt);
  return Math.min(framesOf(flight), flight.train.countAt(end - flight.livetime + TIME_TOLERANCE));
}

/** Seconds until the last frame's exposure ends; <= 0 once it has. */
export function timeToLastFrame(flight: CameraFlight, now: number): number {
  const target = framesOf(flight);
  if (target === 0) return 0;
  const wait = flight.train.timeOf(target - 1) + flight.livetime - now;
  return wait <= TIME_TOLERANCE ? 0 : wait;
}

/**
 * Sleeps `seconds` on the clock (Infinity: until woken), or less when the train tells of a
 * change (a start, a cut) or flight.wake() is called. Throws `noTimes` when it would wait
 * forever on a train that tells of no changes.
 */
export async function waitOnTrain(
  flight: CameraFlight,
  clock: Clock,
  seconds: number,
  noTimes: () => Error,
): Promise<void> {
  if (seconds === Infinity && !flight.train.onChange) throw noTimes();
  const controller = new AbortController();
  const wake = (): void => controller.abort();
  flight.wake = wake;
  const unsubscribe = flight.train.onChange?.(wake);
  try {
    if (seconds === Infinity) {
      await new Promise((done) => controller.signal.addEventListener("abort", done));
    } else {
      await clock.sleep(seconds, { signal: controller.signal });
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    unsubscribe?.();
    if (flight.wake === wake) flight.wake = undefined;
  }
}
