// A plan module: scan a motor around where it is, then leave it at the detector's peak.
//   hil run ./plans/align.ts det m1 2 21 --config config/sim-beamline.yaml
//   hil serve --config config/sim-beamline.yaml --plans plans/align.ts   (then queue "align")
// Declaring `parameters` lets the command line and the queue server check the call (and
// clients see the choices) before anything moves; the plan gets them in `kwargs`.
import type { Movable, Plan, Readable, Readings } from "hil";
import { mv, oneNdStep, relScan } from "hil";
import type { PlanContext } from "hil";

export const description = "scan a motor across its peak and leave it at the maximum";

export const parameters = [
  { name: "detectors", kind: "detectors", description: "what to read; the first is the signal" },
  { name: "motor", kind: "motor", description: "the motor to align" },
  { name: "width", kind: "number", description: "the range scanned, centred here", default: 2 },
  { name: "num", kind: "points", description: "points in the scan", default: 21 },
];

interface AlignArgs {
  detectors: Readable[];
  motor: Movable<number> & Readable;
  width: number;
  num: number;
}

export default function align({ kwargs }: PlanContext): Plan<{ position: number; peak: number }> {
  const { detectors, motor, width, num } = kwargs as unknown as AlignArgs;
  return alignOn(detectors, motor, width, num);
}

function* alignOn(
  detectors: Readable[],
  motor: Movable<number> & Readable,
  width: number,
  num: number,
): Plan<{ position: number; peak: number }> {
  const signal = detectors[0]!.name;
  let best = { position: Number.NaN, peak: -Infinity };
  yield* relScan(detectors, motor, -width / 2, width / 2, num, {
    *perStep(dets, step, cache) {
      const readings: Readings = yield* oneNdStep(dets, step, cache);
      const peak = Number(readings[signal]?.value);
      if (peak > best.peak) best = { position: step.get(motor)!, peak };
      return readings;
    },
  });
  yield* mv([motor, best.position]);
  // The queue server keeps this in the item's history.
  return best;
}
