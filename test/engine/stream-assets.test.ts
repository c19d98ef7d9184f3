// A camera in a step scan: each event's frame is in the camera's HDF5 file, described by a
// stream_datum sent before the event, as bluesky's RunBundler does on read and save.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EventDescriptor, NamedDocument, StreamDatum } from "../../src/core/index.js";
import { VirtualClock, parseDocument } from "../../src/core/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { scan } from "../../src/plans/index.js";
import { SimCamera, SimMotor } from "../../sim/index.js";
import { collector } from "./fixtures.js";

describe("stream assets in a step scan", () => {
  it("describe each event's frame before the event, with that event's seq_num", async () => {
    const clock = new VirtualClock({ start: 1_700_000_000 });
    const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 8 });
    const directory = mkdtempSync(join(tmpdir(), "hil-assets-"));
    const cam = new SimCamera({ name: "cam", clock, directory, width: 16, height: 8, seed: 1 });
    const { docs, callback } = collector();
    await new RunEngine({ clock }).run(scan([cam], m1, -1, 1, 5), callback);
    for (const doc of docs) parseDocument(doc);
    const names = docs.map(([name]) => name);
    expect(names.filter((n) => n === "stream_resource")).toHaveLength(1);
    const primary = docs.find(
      ([name, doc]) => name === "descriptor" && doc.name === "primary",
    )![1] as EventDescriptor;
    expect(primary.data_keys.cam).toMatchObject({ shape: [8, 16], external: "STREAM:" });
    const datums = docs.flatMap(([n, d]) => (n === "stream_datum" ? [d as StreamDatum] : []));
    expect(datums.map((d) => [d.indices.start, d.seq_nums.start, d.seq_nums.stop])).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
      [4, 5, 6],
    ]);
    expect(datums.every((d) => d.descriptor === primary.uid)).toBe(true);
    // Each datum comes right before the event it describes.
    const order = docs.filter(([n]) => n === "stream_datum" || n === "event");
    expect(order.map(([n]) => n)).toEqual(Array(5).fill(["stream_datum", "event"]).flat());
    const events = order.filter(([n]) => n === "event") as Array<
      Extract<NamedDocument, ["event", unknown]>
    >;
    expect(events.map(([, e]) => e.seq_num)).toEqual([1, 2, 3, 4, 5]);
  });
});
