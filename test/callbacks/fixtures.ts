// Hand-written documents of a scan of det over m1: a Gaussian peak centred at 0.2.
import type {
  Event,
  EventDescriptor,
  NamedDocument,
  RunStart,
  RunStop,
} from "../../src/core/index.js";

export const centre = 0.2;
export const sigma = 0.3;
/** 2023-11-14 22:13:20 UTC. */
export const t0 = 1_700_000_000;

export interface GaussianRun {
  start: RunStart;
  descriptor: EventDescriptor;
  events: Event[];
  stop: RunStop;
  documents: NamedDocument[];
}

export function gaussian(x: number): number {
  return Math.exp(-((x - centre) ** 2) / (2 * sigma ** 2));
}

/** A run of `points` events with m1 evenly over [-1, 1]. */
export function gaussianRun({
  uid = "3c6ad6cd-5b1a-4c43-9f7e-0d2b8e51a001",
  scanId = 1,
  points = 21,
}: { uid?: string; scanId?: number; points?: number } = {}): GaussianRun {
  const start: RunStart = {
    uid,
    time: t0,
    scan_id: scanId,
    plan_name: "scan",
    plan_type: "generator",
    detectors: ["det"],
    motors: ["m1"],
    num_points: points,
    hints: { dimensions: [[["m1"], "primary"]] },
  };
  const descriptor: EventDescriptor = {
    uid: `${uid}-primary`,
    time: t0 + 0.5,
    run_start: uid,
    name: "primary",
    data_keys: {
      m1: {
        source: "SIM:m1",
        dtype: "number",
        shape: [],
        units: "mm",
        precision: 3,
        object_name: "m1",
      },
      det: { source: "SIM:det", dtype: "number", shape: [], units: "counts", object_name: "det" },
    },
    configuration: {},
    object_keys: { m1: ["m1"], det: ["det"] },
    hints: { m1: { fields: ["m1"] }, det: { fields: ["det"] } },
  };
  const events = Array.from({ length: points }, (_, i): Event => {
    const m1 = points === 1 ? 0 : Number((-1 + (2 * i) / (points - 1)).toFixed(10));
    const time = t0 + 1 + i * 0.25;
    return {
      uid: `${uid}-event-${i + 1}`,
      time,
      descriptor: descriptor.uid,
      seq_num: i + 1,
      data: { m1, det: gaussian(m1) },
      timestamps: { m1: time, det: time },
      filled: {},
    };
  });
  const stop: RunStop = {
    uid: `${uid}-stop`,
    time: t0 + 10,
    run_start: uid,
    exit_status: "success",
    reason: "",
    num_events: { primary: points },
  };
  const documents: NamedDocument[] = [
    ["start", start],
    ["descriptor", descriptor],
    ...events.map((event): NamedDocument => ["event", event]),
    ["stop", stop],
  ];
  return { start, descriptor, events, stop, documents };
}
