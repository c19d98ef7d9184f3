import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/index.js";
import { datatype, softSignalRW } from "../../src/core/index.js";
import type { RunEngineState } from "../../src/engine/index.js";
import {
  RunEngine,
  SuspendBoolHigh,
  SuspendFloor,
  SuspendWhenChanged,
} from "../../src/engine/index.js";
import { beamline, collector, eventsOf, rawScan, stopOf } from "./fixtures.js";

describe("suspenders", () => {
  it("suspends while the beam is down and resumes by itself after the delay", async () => {
    const { clock, m1, det } = beamline();
    const beam = softSignalRW(datatype.float, 300, { name: "ring_current", clock });
    const states: RunEngineState[] = [];
    const re = new RunEngine({ clock, stateHook: (s) => states.push(s), log: () => undefined });
    const shutter: string[] = [];
    re.installSuspender(
      new SuspendFloor(beam, 100, {
        resumeThreshold: 250,
        resumeDelay: 60,
        *prePlan(): Plan {
          shutter.push("closed");
          yield { command: "null" };
        },
        *postPlan(): Plan {
          shutter.push("opened");
          yield { command: "null" };
        },
      }),
    );
    const { docs, callback } = collector();
    const t0 = clock.now();
    const running = re.run(rawScan([det], m1, -1, 1, 21), callback);
    clock.schedule(3, () => void beam.set(5)); // beam dump
    clock.schedule(100, () => void beam.set(200)); // not enough yet
    clock.schedule(130, () => void beam.set(300)); // back: resume 60 s later
    await running;
    const events = eventsOf(docs);
    expect(events.map((e) => e.seq_num)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(events.map((e) => e.data.m1)).toEqual(events.map((_, i) => -1 + (2 * i) / 20));
    const gap = events.findIndex((e, i) => i > 0 && e.time - events[i - 1]!.time > 100);
    expect(gap).toBeGreaterThan(0);
    expect(events[gap]!.time - t0).toBeGreaterThan(190);
    expect(stopOf(docs).exit_status).toBe("success");
    expect(states).toEqual(["running", "suspending", "running", "idle"]);
    expect(shutter).toEqual(["closed", "opened"]);
  });

  it("suspends on a boolean, and on a change that is not allowed to resume until aborted", async () => {
    const { clock, m1, det } = beamline();
    const interlock = softSignalRW(datatype.boolean, false, { clock });
    const mode = softSignalRW(datatype.string, "mono", { clock });
    const re = new RunEngine({ clock, log: () => undefined });
    re.installSuspender(new SuspendBoolHigh(interlock, { resumeDelay: 1 }));
    const { docs, callback } = collector();
    const first = re.run(rawScan([det], m1, -1, 1, 5), callback);
    clock.schedule(1, () => void interlock.set(true));
    clock.schedule(20, () => void interlock.set(false));
    await first;
    expect(eventsOf(docs)).toHaveLength(5);

    const changed = new SuspendWhenChanged(mode);
    re.installSuspender(changed);
    const second = re.run(rawScan([det], m1, -1, 1, 5), callback);
    clock.schedule(1, () => void mode.set("pink"));
    clock.schedule(5, () => void mode.set("mono")); // allowResume is false: stays suspended
    await clock.sleep(50);
    expect(re.state).toBe("suspending");
    re.abort("mode changed");
    await expect(second).rejects.toThrow("the run was aborted: mode changed");
    expect(stopOf(docs.slice(-1)).exit_status).toBe("abort");
  });
});
