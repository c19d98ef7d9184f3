import type { Movable, Plan, Readable } from "../core/index.js";
import type { Cycler } from "./cycler.js";
import { cycler } from "./cycler.js";
import { dimensionsOf, namesOf, perStepName, planMetadata } from "./plan-metadata.js";
import type { ScanOptions } from "./scan-nd.js";
import { scanNd } from "./scan-nd.js";

export interface SpiralPattern {
  /** The centre. */
  xStart: number;
  yStart: number;
  /** Full widths of the rectangle the points must lie in. */
  xRange: number;
  yRange: number;
  /** Radius step between rings (along x). */
  dr: number;
  /** Points on the first ring; ring i has i × nth. */
  nth: number;
  /** Radius step along y, for an elliptical spiral (default dr). */
  drY?: number;
  /** Tilt of the rectangle, radians (default 0). */
  tilt?: number;
}

export type SpiralOptions = SpiralPattern & ScanOptions;

/**
 * The points of bluesky's spiral: rings of radius i·dr, each with i·nth evenly spaced
 * points, kept where they fall inside the (tilted) rectangle; x and y zipped.
 */
export function spiralPattern(
  xMotor: Movable<number>,
  yMotor: Movable<number>,
  { xStart, yStart, xRange, yRange, dr, nth, drY, tilt = 0 }: SpiralPattern,
): Cycler {
  if (!(dr > 0) || !(nth > 0)) throw new RangeError("a spiral needs dr > 0 and nth > 0");
  const aspect = drY === undefined ? 1 : drY / dr;
  const halfX = xRange / 2;
  const halfY = yRange / (2 * aspect);
  const rings = 1 + Math.floor(Math.hypot(halfX, halfY) / dr);
  const tiltTan = Math.tan(tilt + Math.PI / 2);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let ring = 1; ring <= rings + 1; ring++) {
    const radius = ring * dr;
    const count = Math.floor(ring * nth);
    const angleStep = (2 * Math.PI) / (ring * nth);
    for (let k = 0; k < count; k++) {
      const angle = k * angleStep;
      const x = radius * Math.cos(angle);
      const y = radius * Math.sin(angle) * aspect;
      if (Math.abs(x - y / aspect / tiltTan) <= halfX && Math.abs(y / aspect) <= halfY) {
        xs.push(xStart + x);
        ys.push(yStart + y);
      }
    }
  }
  return cycler(xMotor, xs).add(cycler(yMotor, ys));
}

/** A spiral around (xStart, yStart), as bluesky's spiral plan; returns the run uid. */
export function spiral(
  detectors: readonly Readable[],
  xMotor: Movable<number>,
  yMotor: Movable<number>,
  { md, perStep, ...pattern }: SpiralOptions,
): Plan<string> {
  const { xStart, yStart, xRange, yRange, dr, nth, drY, tilt = 0 } = pattern;
  const own = {
    plan_args: {
      detectors: namesOf(detectors),
      x_motor: xMotor.name,
      y_motor: yMotor.name,
      x_start: xStart,
      y_start: yStart,
      x_range: xRange,
      y_range: yRange,
      dr,
      dr_y: drY ?? null,
      nth,
      tilt,
      ...perStepName(perStep),
    },
    extents: [
      [xStart - xRange, xStart + xRange],
      [yStart - yRange, yStart + yRange],
    ],
    plan_name: "spiral",
  };
  const startMd = planMetadata(own, { dimensions: dimensionsOf([xMotor, yMotor]) }, md);
  return scanNd(detectors, spiralPattern(xMotor, yMotor, pattern), { md: startMd, perStep });
}
