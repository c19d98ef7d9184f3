// /entry/instrument as h5py reads it: a group per device of the run, positioners and
// detectors linked to the columns already in the file, configuration with its units.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NexusWriter } from "../../../src/callbacks/index.js";
import type { EventDescriptor, NamedDocument, RunStart } from "../../../src/core/index.js";
import { h5py } from "../../support/peers.js";
import { column, type Item, ofName, readWithH5py, root, runOnSimBeamline } from "./read-back.js";

let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "nexus-instrument-"));
  await NexusWriter.ready();
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const INSTRUMENT = "/entry/instrument";

/** The groups directly in /entry/instrument, by name. */
function deviceGroups(read: Record<string, Item>): string[] {
  return Object.keys(read)
    .filter((path) => path.startsWith(`${INSTRUMENT}/`) && read[path]!.kind === "group")
    .map((path) => path.slice(INSTRUMENT.length + 1))
    .filter((name) => !name.includes("/"))
    .sort();
}

/** `link` is a NeXus link to `target`: the same dataset (a hard link), which names `target` in `@target`. */
function expectLink(read: Record<string, Item>, link: string, target: string): void {
  expect(read[link], link).toBeDefined();
  expect(read[link]!.object, link).toEqual(expect.any(Number));
  expect(read[link]!.object, link).toBe(read[target]!.object);
  expect(read[link]!.attrs?.target, link).toBe(target);
  expect(read[link]!.value, link).toEqual(read[target]!.value);
}

describe.skipIf(!h5py().available)("NexusWriter's /entry/instrument read by h5py", () => {
  it("groups a step scan's devices: m1 an NXpositioner, det an NXdetector, baseline devices NXcollection", async () => {
    const file = join(directory, "scan.nxs");
    const frames = join(directory, "frames");
    const num = 7;
    const docs = await runOnSimBeamline("scan", [["det"], "m1", -1, 1, num], {}, file, {
      frames,
      baseline: true,
    });
    const descriptors = ofName(docs, "descriptor");
    const primary = descriptors.find((d) => d.name === "primary")!;
    const baseline = descriptors.find((d) => d.name === "baseline")!;
    const read = readWithH5py(file);

    expect(read[INSTRUMENT]!.attrs).toMatchObject({ NX_class: "NXinstrument" });
    const devices = new Set(descriptors.flatMap((d) => Object.keys(d.object_keys)));
    expect(deviceGroups(read)).toEqual([...devices].sort());
    expect(deviceGroups(read)).toEqual(["det", "i0", "m1", "tc1"]);
    const classOf = (device: string) => read[`${INSTRUMENT}/${device}`]!.attrs!.NX_class;
    expect(["m1", "det", "i0", "tc1"].map(classOf)).toEqual([
      "NXpositioner",
      "NXdetector",
      "NXcollection",
      "NXcollection",
    ]);

    // m1: its readback and setpoint, linked to the columns of NXdata
    const m1 = `${INSTRUMENT}/m1`;
    expect(read[`${m1}/name`]!.value).toBe("m1");
    expectLink(read, `${m1}/value`, "/entry/data/m1");
    expect(read[`${m1}/value`]).toMatchObject({ shape: [num], dtype: "float64" });
    expect(read[`${m1}/value`]!.value).toEqual(column(docs, primary.uid, "m1"));
    expect(read[`${m1}/value`]!.attrs!.units).toBe(primary.data_keys.m1!.units);
    expect(read[`${m1}/value`]!.attrs!.units).toBe("mm");
    expectLink(read, `${m1}/target_value`, "/entry/data/m1_setpoint");
    expect(read[`${m1}/target_value`]!.value).toEqual(column(docs, primary.uid, "m1_setpoint"));
    expect(read[`${m1}/raw_value`]).toBeUndefined();

    // det: its counts as data
    const det = `${INSTRUMENT}/det`;
    expect(read[`${det}/local_name`]!.value).toBe("det");
    expectLink(read, `${det}/data`, "/entry/data/det");
    expect(read[`${det}/data`]!.value).toEqual(column(docs, primary.uid, "det"));
    expect(read[`${det}/data`]!.attrs!.units).toBe("counts");

    // every device's configuration, with its units
    for (const descriptor of [primary, baseline]) {
      for (const [device, configuration] of Object.entries(descriptor.configuration)) {
        const group = `${INSTRUMENT}/${device}/configuration`;
        expect(read[group]!.attrs, group).toMatchObject({ NX_class: "NXcollection" });
        for (const [field, value] of Object.entries(configuration.data)) {
          const dataset = read[`${group}/${field}`]!;
          expect(dataset.value, field).toEqual(value);
          const units = configuration.data_keys[field]!.units;
          if (units) expect(dataset.attrs!.units, field).toBe(units);
        }
      }
    }
    expect(read[`${det}/configuration/det_exposure`]).toMatchObject({
      value: 0.1,
      attrs: { units: "s" },
    });
    // NXpositioner's own names for the motor's configuration, linked to it
    expectLink(read, `${m1}/velocity`, `${m1}/configuration/m1_velocity`);
    expect(read[`${m1}/velocity`]).toMatchObject({ value: 2, attrs: { units: "mm/s" } });
    expectLink(read, `${m1}/soft_limit_min`, `${m1}/configuration/m1_low_limit`);
    expectLink(read, `${m1}/soft_limit_max`, `${m1}/configuration/m1_high_limit`);
    expect(read[`${m1}/soft_limit_max`]).toMatchObject({ value: 10, attrs: { units: "mm" } });
    // m1's acceleration is in mm/s^2, not NXpositioner's acceleration_time
    expect(read[`${m1}/acceleration_time`]).toBeUndefined();

    // baseline devices: each field by its name, linked to the baseline stream
    for (const field of baseline.object_keys.tc1!) {
      expectLink(read, `${INSTRUMENT}/tc1/${field}`, `/entry/baseline/${field}`);
    }
    expect(read[`${INSTRUMENT}/i0/i0`]!.value).toEqual(column(docs, baseline.uid, "i0"));
  });

  it("links a fly scan's camera frames to the camera's file, and m1's position to m1", async () => {
    const file = join(directory, "fly", "fly.nxs");
    const num = 20;
    const docs = await runOnSimBeamline("fly_scan", [["det", "cam"], "m1", -1, 1, num], {}, file, {
      frames: join(directory, "frames"),
    });
    const primary = ofName(docs, "descriptor").find((d) => d.name === "primary")!;
    // the m1 field is read by det (its position compare), yet is m1's position
    expect(primary.object_keys.det).toContain("m1");
    const read = readWithH5py(file, root);

    const cam = `${INSTRUMENT}/cam`;
    expect(read[cam]!.attrs).toMatchObject({ NX_class: "NXdetector" });
    expect(read[`${cam}/data@link`]).toEqual(read["/entry/data/cam@link"]);
    expect(read[`${cam}/data`]).toMatchObject({ shape: [num, 48, 64], dtype: "uint16" });
    expect(read[`${cam}/data`]!.sum).toBe(read["/entry/data/cam"]!.sum);
    expect(read[`${cam}/configuration/cam_exposure`]).toMatchObject({ attrs: { units: "s" } });
    expectLink(read, `${INSTRUMENT}/det/data`, "/entry/data/det");
    expect(read[`${INSTRUMENT}/det/readings`]).toBeUndefined();
    expectLink(read, `${INSTRUMENT}/m1/value`, "/entry/data/m1");
    expect(read[`${INSTRUMENT}/m1/value`]!.value).toEqual(column(docs, primary.uid, "m1"));
  });

  it("links only datasets already written, prefers the primary stream, and names the rest", async () => {
    const file = join(directory, "made.nxs");
    const writer = new NexusWriter(file);
    const start: RunStart = {
      uid: "run-2",
      time: 1_700_000_000,
      detectors: ["spec"],
      motors: ["th"],
      instrument: "hil demo beamline",
      beamline_id: "SIM-1",
    };
    const key = { source: "sim://x", shape: [] };
    const number = { ...key, dtype: "number" as const };
    const baseline: EventDescriptor = {
      uid: "d-b",
      time: start.time,
      run_start: "run-2",
      name: "baseline",
      data_keys: { th: { ...number, units: "deg" }, tc: { ...number, units: "K" } },
      configuration: { tc: { data: { tc_rate: 1 }, timestamps: {}, data_keys: {} } },
      object_keys: { th: ["th"], tc: ["tc"] },
      hints: {},
    };
    const primary: EventDescriptor = {
      uid: "d-p",
      time: start.time,
      run_start: "run-2",
      name: "primary",
      data_keys: {
        th: { ...number, units: "deg" },
        th_raw: { ...key, dtype: "integer", units: "counts" },
        spec: { ...key, dtype: "array", shape: [3], units: "counts" },
        spec_mode: { ...key, dtype: "string" },
      },
      configuration: {
        spec: {
          data: { spec_gain: 4, spec_label: "fast", spec_roi: [1, 2, 3] },
          timestamps: {},
          data_keys: {
            spec_gain: { ...key, dtype: "integer", units: "dB" },
            spec_label: { ...key, dtype: "string" },
            spec_roi: { ...key, dtype: "array", shape: [3], units: "pixels" },
          },
        },
        th: {
          data: { th_acceleration: 0.25 },
          timestamps: {},
          data_keys: { th_acceleration: { ...number, units: "s" } },
        },
      },
      object_keys: { th: ["th", "th_raw"], spec: ["spec", "spec_mode"] },
      hints: { spec: { fields: ["spec"] } },
    };
    const row = (descriptor: string, seq: number, data: Record<string, unknown>) =>
      [
        "event",
        { uid: `${descriptor}-${seq}`, time: start.time + seq, descriptor, seq_num: seq, data },
      ] as unknown as NamedDocument;
    const documents: NamedDocument[] = [
      ["start", start],
      ["descriptor", baseline],
      row("d-b", 1, { th: 99, tc: 295 }),
      ["descriptor", primary],
      row("d-p", 1, { th: 1, th_raw: 100, spec: [1, 2, 3], spec_mode: "a" }),
      row("d-p", 2, { th: 2, th_raw: 200, spec: [4, 5, 6], spec_mode: "b" }),
    ];
    for (const doc of documents) await writer.callback(...doc);

    // while the run is open: no link waits for a dataset (read-nexus.py fails on one that would)
    const during = readWithH5py(file);
    expectLink(during, `${INSTRUMENT}/th/value`, "/entry/data/th");
    expectLink(during, `${INSTRUMENT}/spec/data`, "/entry/data/spec");
    expect(during[`${INSTRUMENT}/spec/readings/spec_mode`]).toBeUndefined();
    expect(during[`${INSTRUMENT}/tc`]!.attrs).toMatchObject({ NX_class: "NXcollection" });
    expect(during[`${INSTRUMENT}/tc/tc`]).toBeUndefined();

    await writer.callback("stop", {
      uid: "s-2",
      time: start.time + 3,
      run_start: "run-2",
      exit_status: "success",
      reason: "",
      num_events: { primary: 2, baseline: 1 },
    });
    const read = readWithH5py(file);
    expect(read[`${INSTRUMENT}/name`]).toMatchObject({
      value: "hil demo beamline",
      attrs: { short_name: "SIM-1" },
    });
    expect(deviceGroups(read)).toEqual(["spec", "tc", "th"]);
    const th = `${INSTRUMENT}/th`;
    expectLink(read, `${th}/value`, "/entry/data/th");
    expect(read[`${th}/value`]).toMatchObject({ value: [1, 2], attrs: { units: "deg" } });
    expectLink(read, `${th}/raw_value`, "/entry/data/th_raw");
    expect(read[`${th}/raw_value`]).toMatchObject({
      value: [100, 200],
      attrs: { units: "counts" },
    });
    expect(read[`${th}/target_value`]).toBeUndefined();
    expectLink(read, `${th}/acceleration_time`, `${th}/configuration/th_acceleration`);
    expect(read[`${th}/acceleration_time`]).toMatchObject({ value: 0.25, attrs: { units: "s" } });

    const spec = `${INSTRUMENT}/spec`;
    expectLink(read, `${spec}/data`, "/entry/data/spec");
    expect(read[`${spec}/data`]).toMatchObject({ shape: [2, 3], attrs: { units: "counts" } });
    expect(read[`${spec}/readings`]!.attrs).toMatchObject({ NX_class: "NXcollection" });
    expectLink(read, `${spec}/readings/spec_mode`, "/entry/data/spec_mode");
    expect(read[`${spec}/readings/spec_mode`]!.value).toEqual(["a", "b"]);
    expect(read[`${spec}/configuration/spec_gain`]).toMatchObject({
      value: 4,
      dtype: "int64",
      attrs: { units: "dB" },
    });
    expect(read[`${spec}/configuration/spec_label`]!.value).toBe("fast");
    expect(read[`${spec}/configuration/spec_roi`]).toMatchObject({
      value: [1, 2, 3],
      attrs: { units: "pixels" },
    });
    expectLink(read, `${INSTRUMENT}/tc/tc`, "/entry/baseline/tc");
    expect(read[`${INSTRUMENT}/tc/configuration/tc_rate`]!.value).toBe(1);
  });
});
