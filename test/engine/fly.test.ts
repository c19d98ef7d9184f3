// A fly scan through the engine on the simulated beamline: m1 flies at constant velocity,
// its position compare triggers the detectors, and the frames come back as event pages of
// the primary stream while the motor is still moving.
import { describe, expect, it } from "vitest";
import type { EventDescriptor, EventPage, NamedDocument } from "../../src/core/index.js";
import { VirtualClock, parseDocument } from "../../src/core/index.js";
import { RunEngine, RunInterruptedError } from "../../src/engine/index.js";
import { flyScan } from "../../src/plans/index.js";
import { SimDetector, SimMotor } from "../../sim/index.js";
import { collector, stopOf } from "./fixtures.js";

function flyingBeamline() {
  const clock = new VirtualClock({ start: 1_700_000_000 });
  const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 8, units: "mm" });
  const peak = { motors: [m1], centre: 0.3, sigma: 0.2, amplitude: 1e5, background: 100 };
  const det = new SimDetector({
    name: "det",
    clock,
    seed: 1,
    exposure: 0.1,
    peak,
    triggerSource: m1,
  });
  const det2 = new SimDetector({
    name: "det2",
    clock,
    seed: 2,
    exposure: 0.1,
    peak,
    triggerSource: m1,
  });
  return { clock, m1, det, det2, re: new RunEngine({ clock }) };
}

function pagesOf(docs: NamedDocument[]): EventPage[] {
  return docs.flatMap(([name, doc]) => (name === "event_page" ? [doc] : []));
}

describe("fly_scan", () => {
  it("gives every frame once, in order, as event pages that follow the flight", async () => {
    const { m1, det, det2, re } = flyingBeamline();
    const { docs, callback } = collector();
    const num = 2001;
    await re.run(flyScan([det, det2], m1, -1, 1, num, { time: 40, flushPeriod: 5 }), callback);
    for (const doc of docs) parseDocument(doc);
    const descriptor = docs.find(([name]) => name === "descriptor")![1] as EventDescriptor;
    expect(Object.keys(descriptor.data_keys).sort()).toEqual(["det", "det2", "m1"]);
    expect(descriptor.data_keys.m1).toMatchObject({ source: "m1 position compare", units: "mm" });
    const pages = pagesOf(docs);
    expect(pages.length).toBeGreaterThanOrEqual(8); // one per flush, not one at the end
    const seqNums = pages.flatMap((page) => page.seq_num);
    expect(seqNums).toEqual(Array.from({ length: num }, (_, i) => i + 1));
    const m1s = pages.flatMap((page) => page.data.m1 as number[]);
    m1s.forEach((x, i) => expect(x).toBeCloseTo(-1 + (2 * i) / (num - 1), 9));
    const times = pages.flatMap((page) => page.time);
    const spacing = times.slice(1).map((t, i) => t - times[i]!);
    // Constant velocity: even spacing, to the float resolution of epoch seconds.
    for (const gap of spacing) expect(gap).toBeCloseTo(40 / (num - 1), 6);
    const counts = pages.flatMap((page) => page.data.det as number[]);
    expect(m1s[counts.indexOf(Math.max(...counts))]).toBeCloseTo(0.3, 1);
    expect(stopOf(docs)).toMatchObject({ exit_status: "success", num_events: { primary: num } });
    expect(await m1.moving.get()).toBe(false);
  });

  it("aborts on a pause (no checkpoint in a flight): m1 at rest, every frame taken kept", async () => {
    const { clock, m1, det, re } = flyingBeamline();
    const { docs, callback } = collector();
    const running = re.run(flyScan([det], m1, -1, 1, 1001, { time: 20 }), callback);
    await clock.sleep(8.5); // half way between two collects of the plan
    expect(await m1.moving.get()).toBe(true);
    const pausedAt = clock.now();
    re.requestPause();
    await expect(running).rejects.toBeInstanceOf(RunInterruptedError);
    expect(await m1.moving.get()).toBe(false);
    await clock.sleep(30);
    expect(await m1.moving.get()).toBe(false);
    for (const doc of docs) parseDocument(doc);
    const rows = pagesOf(docs).reduce((n, page) => n + page.uid.length, 0);
    // The frames taken up to the pause are all there, not only those of the last collect.
    const lastFrame = pagesOf(docs).at(-1)!.time.at(-1)!;
    expect(pausedAt - lastFrame).toBeLessThan(0.021); // one pulse spacing
    expect(rows).toBeGreaterThan(0);
    expect(stopOf(docs)).toMatchObject({ exit_status: "abort", num_events: { primary: rows } });
  });
});
