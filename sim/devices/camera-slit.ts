import type { SlitAxisName, SlitOpening } from "../detectors/beam-image.js";
import type { PositionSource } from "./position-source.js";

/** A slit in the beam before the camera; each value a number or a motor's true position. */
export interface CameraSlit {
  gap: PositionSource | number;
  /** Default 0. */
  centre?: PositionSource | number;
  /** Which way the blades close (default "y": they limit rows). */
  axis?: SlitAxisName;
}

/** The slit's opening at `time`: its motors where they truly were then. */
export function slitOpeningAt(slit: CameraSlit, time: number): SlitOpening {
  const at = (value: PositionSource | number | undefined): number =>
    typeof value === "object" ? value.positionAt(time) : (value ?? 0);
  return { gap: at(slit.gap), centre: at(slit.centre), axis: slit.axis ?? "y" };
}
