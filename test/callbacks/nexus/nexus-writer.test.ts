// NeXus files of runs on the simulated beamline, read back by Debian's h5py on its own
// libhdf5, as a scientist's notebook would read them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NexusWriter } from "../../../src/callbacks/index.js";
import type {
  EventDescriptor,
  EventPage,
  NamedDocument,
  RunStart,
  StreamResource,
} from "../../../src/core/index.js";
import { h5py } from "../../support/peers.js";
import { column, ofName, readWithH5py, root, runOnSimBeamline as runSim } from "./read-back.js";

let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "nexus-writer-"));
  await NexusWriter.ready();
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A run on the simulated beamline, its frames in the test's folder. */
function runOnSimBeamline(
  name: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
  file: string,
): Promise<NamedDocument[]> {
  return runSim(name, args, kwargs, file, { frames: join(directory, "frames") });
}

describe.skipIf(!h5py().available)("NexusWriter read by h5py", () => {
  it("writes a step scan's primary stream as NXdata with the descriptor's dtypes and units", async () => {
    const file = join(directory, "scan.nxs");
    const docs = await runOnSimBeamline("scan", [["det"], "m1", -1, 1, 11], {}, file);
    const start = ofName(docs, "start")[0]!;
    const stop = ofName(docs, "stop")[0]!;
    const descriptor = ofName(docs, "descriptor").find((d) => d.name === "primary")!;
    const read = readWithH5py(file);

    expect(read["/"]!.attrs).toMatchObject({ default: "entry" });
    const entry = read["/entry"]!.attrs!;
    expect(entry).toMatchObject({
      NX_class: "NXentry",
      default: "data",
      uid: start.uid,
      scan_id: start.scan_id,
      plan_name: "scan",
      detectors: ["det"],
      motors: ["m1"],
      exit_status: "success",
    });
    expect(entry.time).toBe(start.time);
    expect(read["/entry/title"]!.value).toBe("scan");
    expect(read["/entry/entry_identifier"]!.value).toBe(start.uid);
    expect(read["/entry/start_time"]!.value).toBe(new Date(start.time * 1000).toISOString());
    expect(read["/entry/end_time"]!.value).toBe(new Date(stop.time * 1000).toISOString());
    expect(read["/entry/exit_status"]!.value).toBe("success");
    expect(read["/entry/scan_id"]!.value).toBe(start.scan_id);

    expect(read["/entry/data"]!.attrs).toMatchObject({
      NX_class: "NXdata",
      signal: "det",
      axes: ["m1"],
      m1_indices: 0,
      num_events: 11,
    });
    for (const [field, key] of Object.entries(descriptor.data_keys)) {
      const dataset = read[`/entry/data/${field}`]!;
      expect(dataset.shape, field).toEqual([11, ...key.shape]);
      expect(dataset.maxshape, field).toEqual([null, ...key.shape]);
      expect(dataset.chunks, field).not.toBeNull();
      expect(dataset.value, field).toEqual(column(docs, descriptor.uid, field));
      if (key.units) expect(dataset.attrs!.units, field).toBe(key.units);
    }
    expect(read["/entry/data/m1"]!.dtype).toBe("float64");
    expect(read["/entry/data/m1"]!.attrs!.units).toBe("mm");
    const times = ofName(docs, "event").map((e) => e.time);
    expect(read["/entry/data/time"]).toMatchObject({ value: times, attrs: { units: "s" } });
  });

  it("links a fly scan's camera frames so /entry/data/cam opens with the declared shape", async () => {
    const file = join(directory, "fly", "fly.nxs");
    const num = 50;
    const docs = await runOnSimBeamline(
      "fly_scan",
      [["det", "cam"], "m1", -1, 1, num],
      { time: 4 },
      file,
    );
    const descriptor = ofName(docs, "descriptor").find((d) => d.name === "primary")!;
    const resource: StreamResource = ofName(docs, "stream_resource")[0]!;
    expect(descriptor.data_keys.cam).toMatchObject({ shape: [48, 64], external: "STREAM:" });
    // from another working directory: the link is found beside the NeXus file
    const read = readWithH5py(file, root);

    const cam = read["/entry/data/cam"]!;
    expect(cam.shape).toEqual([num, ...descriptor.data_keys.cam!.shape]);
    expect(cam.dtype).toBe("uint16");
    expect(read["/entry/data/cam@link"]).toEqual({
      file:
        "../frames/" +
        fileURLToPath(resource.uri.replace("file://localhost", "file://")).split("/").at(-1),
      path: resource.parameters.dataset,
    });
    expect(cam.sum).toBeGreaterThan(0);
    expect(read["/entry/data"]!.attrs).toMatchObject({
      signal: "det",
      axes: ["m1"],
      num_events: num,
    });
    for (const field of ["det", "m1"]) {
      const dataset = read[`/entry/data/${field}`]!;
      expect(dataset.shape).toEqual([num]);
      expect(dataset.value).toEqual(column(docs, descriptor.uid, field));
    }
    expect(ofName(docs, "event_page").length).toBeGreaterThan(0);
  });

  it("keeps other streams, strings, integers, booleans and arrays, and closes on a failed run", async () => {
    const file = join(directory, "streams.nxs");
    const writer = new NexusWriter(file);
    const start: RunStart = {
      uid: "run-1",
      time: 1_700_000_000.25,
      scan_id: 7,
      plan_name: "count",
      detectors: ["spec"],
      sample: "Si 111",
      temperature: 295.5,
      hints: { dimensions: [[["time"], "primary"]] },
    };
    const key = { source: "sim://x" };
    const primary: EventDescriptor = {
      uid: "d-1",
      time: start.time,
      run_start: "run-1",
      name: "primary",
      data_keys: {
        spec: { ...key, dtype: "array", shape: [2, 3], dtype_numpy: "<u2", units: "counts" },
        mode: { ...key, dtype: "string", shape: [] },
        n: { ...key, dtype: "integer", shape: [] },
        ok: { ...key, dtype: "boolean", shape: [] },
      },
      configuration: {},
      object_keys: { spec: ["spec", "mode", "n", "ok"] },
      hints: { spec: { fields: ["spec"] } },
    };
    const baseline: EventDescriptor = {
      ...primary,
      uid: "d-2",
      name: "baseline",
      data_keys: { i0: { ...key, dtype: "number", shape: [], units: "counts/s" } },
      object_keys: { i0: ["i0"] },
      hints: {},
    };
    const page: EventPage = {
      uid: ["e-1", "e-2"],
      time: [start.time + 1, start.time + 2],
      descriptor: "d-1",
      seq_num: [1, 2],
      data: {
        spec: [
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [
            [7, 8, 9],
            [10, 11, 12],
          ],
        ],
        mode: ["fast", "slow"],
        n: [3, -4],
        ok: [true, false],
      },
      timestamps: {},
      filled: {},
    };
    const documents: NamedDocument[] = [
      ["start", start],
      ["descriptor", baseline],
      [
        "event",
        {
          uid: "b-1",
          time: start.time,
          descriptor: "d-2",
          seq_num: 1,
          data: { i0: 1e5 },
          timestamps: {},
          filled: {},
        },
      ],
      ["descriptor", primary],
      ["event_page", page],
    ];
    for (const doc of documents) await writer.callback(...doc);
    // the file is valid while the run is open
    const during = readWithH5py(file);
    expect(during["/entry/data/spec"]!.shape).toEqual([2, 2, 3]);
    await writer.callback("stop", {
      uid: "s-1",
      time: start.time + 3,
      run_start: "run-1",
      exit_status: "fail",
      reason: "det stopped answering",
      num_events: { primary: 2, baseline: 1 },
    });
    expect(writer.open).toBe(false);

    const read = readWithH5py(file);
    expect(read["/entry"]!.attrs).toMatchObject({
      sample: "Si 111",
      temperature: 295.5,
      scan_id: 7,
      exit_status: "fail",
      hints: JSON.stringify(start.hints),
    });
    expect(read["/entry/exit_status"]!.value).toBe("fail");
    expect(read["/entry/reason"]!.value).toBe("det stopped answering");
    expect(read["/entry/data"]!.attrs).toMatchObject({
      NX_class: "NXdata",
      signal: "spec",
      axes: ["time", ".", "."],
      time_indices: 0,
    });
    expect(read["/entry/data/spec"]).toMatchObject({
      shape: [2, 2, 3],
      dtype: "uint16",
      value: page.data.spec,
      attrs: { units: "counts", source: "sim://x" },
    });
    expect(read["/entry/data/mode"]).toMatchObject({ shape: [2], value: ["fast", "slow"] });
    expect(read["/entry/data/n"]).toMatchObject({ dtype: "int64", value: [3, -4] });
    expect(read["/entry/data/ok"]).toMatchObject({ dtype: "uint8", value: [1, 0] });
    expect(read["/entry/baseline"]!.attrs).toMatchObject({
      NX_class: "NXcollection",
      stream: "baseline",
      num_events: 1,
    });
    expect(read["/entry/baseline/i0"]).toMatchObject({
      value: [1e5],
      dtype: "float64",
      attrs: { units: "counts/s" },
    });
  });
});
