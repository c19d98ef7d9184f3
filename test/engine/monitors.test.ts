// monitor/unmonitor and wait_for: a signal's changes as a stream of their own while the run
// goes on, as bluesky's RunBundler.monitor and monitor_during_wrapper make them.
import { describe, expect, it } from "vitest";
import type { Event, EventDescriptor, Plan } from "../../src/core/index.js";
import { datatype, parseDocument, softSignalRW, waitForValue } from "../../src/core/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { monitorDuringWrapper, rd, waitFor } from "../../src/plans/index.js";
import { beamline, collector, names, rawScan, stopOf, until } from "./fixtures.js";

describe("monitor", () => {
  it("makes each change an event of <name>_monitor, in order with the run's documents", async () => {
    const { clock, m1, det } = beamline();
    const current = softSignalRW(datatype.float, 300, { name: "ring_current", clock });
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const running = re.run(monitorDuringWrapper(rawScan([det], m1, -1, 1, 5), [current]), callback);
    clock.schedule(1, () => void current.set(299.5));
    clock.schedule(2, () => void current.set(298));
    clock.schedule(1000, () => void current.set(1)); // after the run: not recorded
    await running;
    await clock.sleep(2000);
    for (const doc of docs) parseDocument(doc);
    const descriptor = docs.find(
      ([name, doc]) => name === "descriptor" && doc.name === "ring_current_monitor",
    )![1] as EventDescriptor;
    expect(descriptor.data_keys.ring_current).toMatchObject({ dtype: "number", shape: [] });
    const monitored = docs
      .filter(([name, doc]) => name === "event" && doc.descriptor === descriptor.uid)
      .map(([, doc]) => doc as Event);
    expect(monitored.map((e) => e.data.ring_current)).toEqual([300, 299.5, 298]);
    expect(monitored.map((e) => e.seq_num)).toEqual([1, 2, 3]);
    expect(monitored[1]!.timestamps.ring_current).toBe(monitored[0]!.timestamps.ring_current! + 1);
    expect(names(docs).at(-1)).toBe("stop");
    expect(stopOf(docs).num_events).toMatchObject({ primary: 5, ring_current_monitor: 3 });
  });

  it("is silent while the run is paused and reports the value again on resume", async () => {
    const { clock, m1, det } = beamline();
    const current = softSignalRW(datatype.float, 300, { name: "ring_current", clock });
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const running = re.run(
      monitorDuringWrapper(rawScan([det], m1, -1, 1, 21), [current]),
      callback,
    );
    await clock.sleep(1);
    re.requestPause();
    await until(re, "paused");
    current.set(250); // while paused
    current.set(260);
    re.resume();
    await running;
    const values = docs
      .filter(([name, doc]) => name === "event" && "ring_current" in doc.data)
      .map(([, doc]) => (doc as Event).data.ring_current);
    expect(values).toEqual([300, 260]);
  });
});

describe("wait_for and rd", () => {
  it("waits for a value on the clock and reads a single-valued signal", async () => {
    const { clock } = beamline();
    const shutter = softSignalRW(datatype.string, "closed", { name: "shutter", clock });
    const re = new RunEngine({ clock });
    let seen: string | undefined;
    function* plan(): Plan {
      yield* waitFor([() => waitForValue(shutter, "open")]);
      seen = yield* rd<string>(shutter);
    }
    const t0 = clock.now();
    clock.schedule(7, () => void shutter.set("open"));
    await re.run(plan());
    expect(seen).toBe("open");
    expect(clock.now() - t0).toBe(7);
  });

  it("fails the plan with a timeout naming wait_for", async () => {
    const { clock } = beamline();
    const shutter = softSignalRW(datatype.string, "closed", { name: "shutter", clock });
    const re = new RunEngine({ clock });
    function* plan(): Plan {
      yield* waitFor([() => waitForValue(shutter, "open")], { timeout: 3 });
    }
    await expect(re.run(plan())).rejects.toThrow(/wait_for.*3/);
  });
});
