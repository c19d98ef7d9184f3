// The RunEngine, plans and callbacks together on the simulated beamline.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CsvWriter, JsonlWriter, PeakStats, readJsonl } from "../../src/callbacks/index.js";
import type { NamedDocument } from "../../src/core/index.js";
import { VirtualClock, parseDocument } from "../../src/core/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { baselineWrapper, scan } from "../../src/plans/index.js";
import { SimDetector, SimMotor, SimTemperatureController } from "../../sim/index.js";

function beamline() {
  const clock = new VirtualClock({ start: 1_800_000_000 });
  const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 8, limits: [-10, 10] });
  const det = new SimDetector({
    name: "det",
    clock,
    seed: 7,
    exposure: 0.2,
    peak: { motors: [m1], centre: 0.33, sigma: 0.25, amplitude: 20_000, background: 200 },
  });
  const tc = new SimTemperatureController({ name: "tc", clock });
  return { clock, m1, det, tc, re: new RunEngine({ clock, md: { proposal: "p-1" } }) };
}

describe("a scan on the simulated beamline", () => {
  it("yields start, descriptor, 21 events and a successful stop; the peak is found within a step", async () => {
    const { m1, det, re } = beamline();
    const docs: NamedDocument[] = [];
    const stats = new PeakStats("m1", "det", { out: () => undefined });
    await re.run(scan([det], m1, -1, 1, 21), [(...doc) => void docs.push(doc), stats.callback]);
    const counts = new Map<string, number>();
    for (const [name] of docs) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ start: 1, descriptor: 1, event: 21, stop: 1 });
    const stop = docs.at(-1)!;
    expect(stop).toMatchObject(["stop", { exit_status: "success", num_events: { primary: 21 } }]);
    expect(docs[0]![1]).toMatchObject({
      plan_name: "scan",
      proposal: "p-1",
      detectors: ["det"],
      motors: ["m1"],
      num_points: 21,
      hints: { dimensions: [[["m1"], "primary"]] },
    });
    const step = 2 / 20;
    expect(Math.abs(stats.stats!.cen! - 0.33)).toBeLessThan(step);
    expect(Math.abs(stats.stats!.com! - 0.33)).toBeLessThan(step);
    expect(stats.stats!.fwhm).toBeCloseTo(2.3548 * 0.25, 1);
  });

  it("makes documents that validate against event-model's schemas, baseline stream included", async () => {
    const { m1, det, tc, re } = beamline();
    const docs: NamedDocument[] = [];
    await re.run(baselineWrapper(scan([det], m1, -1, 1, 5), [tc]), (...doc) => void docs.push(doc));
    for (const doc of docs) expect(parseDocument(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
    const streams = docs.flatMap(([name, doc]) => (name === "descriptor" ? [doc.name] : []));
    expect(streams.sort()).toEqual(["baseline", "primary"]);
    expect(docs.at(-1)).toMatchObject(["stop", { num_events: { primary: 5, baseline: 2 } }]);
  });

  it("writes JSONL and CSV files that read back as the run", async () => {
    const { m1, det, re } = beamline();
    const dir = mkdtempSync(join(tmpdir(), "hil-run-"));
    const docs: NamedDocument[] = [];
    const jsonl = new JsonlWriter(join(dir, "run.jsonl"));
    const csv = new CsvWriter(join(dir, "run.csv"));
    await re.run(scan([det], m1, -1, 1, 11), [
      (...doc) => void docs.push(doc),
      jsonl.callback,
      csv.callback,
    ]);
    expect(readJsonl(join(dir, "run.jsonl"))).toEqual(docs);
    const rows = readFileSync(join(dir, "run.csv"), "utf8").trim().split(/\r?\n/);
    expect(rows[0]).toBe("seq_num,time,det,m1,m1_setpoint");
    expect(rows).toHaveLength(12);
  });
});

describe("pausing a plan from the library", () => {
  it("gives the same events after an immediate pause and resume as an uninterrupted run", async () => {
    const reference = beamline();
    const plain: NamedDocument[] = [];
    await reference.re.run(
      scan([reference.det], reference.m1, -3, 3, 7),
      (...doc) => void plain.push(doc),
    );

    const { clock, m1, det, re } = beamline();
    const docs: NamedDocument[] = [];
    const running = re.run(scan([det], m1, -3, 3, 7), (...doc) => void docs.push(doc));
    for (const when of [1.3, 2.9, 4.4]) {
      await clock.sleep(when - (clock.now() - 1_800_000_000));
      re.requestPause();
      while (re.state !== "paused") await new Promise((r) => setImmediate(r));
      re.resume();
    }
    await running;
    const events = (d: NamedDocument[]) =>
      d.flatMap(([name, doc]) => (name === "event" ? [[doc.seq_num, doc.data.m1]] : []));
    expect(events(docs)).toEqual(events(plain));
    expect(events(docs).map(([seq]) => seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
