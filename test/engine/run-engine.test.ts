import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/index.js";
import type { RunEngineState } from "../../src/engine/index.js";
import { PlanProtocolError, RunEngine, RunInterruptedError } from "../../src/engine/index.js";
import { beamline, collector, eventsOf, names, rawScan, stopOf } from "./fixtures.js";

describe("RunEngine", () => {
  it("runs a 21-point scan into start, descriptor, 21 events and a successful stop", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock, md: { beamline: "test" } });
    const { docs, callback } = collector();
    const uids = await re.run(rawScan([det], m1, -1, 1, 21), callback);
    expect(names(docs)).toEqual([
      "start",
      "descriptor",
      ...Array<string>(21).fill("event"),
      "stop",
    ]);
    const [, start] = docs[0]!;
    expect(start).toMatchObject({
      uid: uids[0],
      scan_id: 1,
      beamline: "test",
      plan_name: "scan",
      num_points: 21,
    });
    const events = eventsOf(docs);
    expect(events.map((e) => e.seq_num)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(events.map((e) => e.data.m1)).toEqual(events.map((_, i) => -1 + (2 * i) / 20));
    expect(stopOf(docs)).toMatchObject({
      exit_status: "success",
      num_events: { primary: 21 },
      run_start: uids[0],
    });
    expect(re.state).toBe("idle");
  });

  it("describes the stream: data keys with object names, configuration, object keys, hints", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    await re.run(rawScan([det], m1, 0, 1, 2), callback);
    const descriptor = docs.find(([name]) => name === "descriptor")![1];
    expect(descriptor).toMatchObject({
      name: "primary",
      data_keys: {
        det: { dtype: "integer", shape: [], source: "soft://det", object_name: "det" },
        m1: { dtype: "number", units: "mm", object_name: "m1" },
        m1_setpoint: { object_name: "m1" },
      },
      object_keys: { det: ["det"], m1: ["m1", "m1_setpoint"] },
      hints: { det: { fields: ["det"] }, m1: { fields: ["m1"] } },
      configuration: { det: { data: { det_exposure: 0.1 } }, m1: { data: { m1_velocity: 2 } } },
    });
  });

  it("closes the run with exit_status fail and hands the plan's error to the caller", async () => {
    const { clock, m1 } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    function* broken(): Plan {
      yield { command: "open_run" };
      yield { command: "set", obj: m1, value: 99, group: "g" };
      yield { command: "wait", group: "g" };
    }
    m1.lowLimit.set(-5);
    await m1.highLimit.set(5);
    await expect(re.run(broken(), callback)).rejects.toThrow(
      "m1: target 99 is outside the limits [-5, 5]",
    );
    expect(stopOf(docs)).toMatchObject({
      exit_status: "fail",
      reason: "m1: target 99 is outside the limits [-5, 5]",
    });
    expect(re.state).toBe("idle");
  });

  it("throws a plan's protocol mistakes back into the plan, which may handle them", async () => {
    const { clock, det } = beamline();
    const re = new RunEngine({ clock });
    const seen: unknown[] = [];
    function* sloppy(): Plan {
      yield { command: "open_run" };
      try {
        yield { command: "save" };
      } catch (error) {
        seen.push(error);
      }
      yield { command: "create", stream: "primary" };
      yield { command: "read", obj: det };
      yield { command: "save" };
      yield { command: "close_run" };
    }
    const { docs, callback } = collector();
    await re.run(sloppy(), callback);
    expect(seen[0]).toBeInstanceOf(PlanProtocolError);
    expect(stopOf(docs).exit_status).toBe("success");
  });

  it("increments scan_id per run and keeps it in a file across engines", async () => {
    const { clock, m1, det } = beamline();
    const file = join(mkdtempSync(join(tmpdir(), "hil-")), "scan_id.json");
    const first = new RunEngine({ clock, scanIdFile: file });
    const { docs, callback } = collector();
    await first.run(rawScan([det], m1, 0, 1, 2), callback);
    await first.run(rawScan([det], m1, 0, 1, 2), callback);
    const second = new RunEngine({ clock, scanIdFile: file });
    await second.run(rawScan([det], m1, 0, 1, 2), callback);
    const scanIds = docs
      .filter(([n]) => n === "start")
      .map(([, d]) => (d as { scan_id: number }).scan_id);
    expect(scanIds).toEqual([1, 2, 3]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ scan_id: 3 });
  });

  it("refuses metadata keys with dots or slashes", async () => {
    const { clock } = beamline();
    const re = new RunEngine({ clock });
    function* plan(): Plan {
      yield { command: "open_run", md: { "sample.name": "x" } };
    }
    await expect(re.run(plan())).rejects.toThrow(
      'metadata keys may not hold "." or "/": sample.name',
    );
  });

  it("reports state changes to the hook", async () => {
    const { clock, m1, det } = beamline();
    const states: Array<[RunEngineState, RunEngineState]> = [];
    const re = new RunEngine({
      clock,
      stateHook: (state, previous) => states.push([state, previous]),
    });
    await re.run(rawScan([det], m1, 0, 1, 2));
    expect(states).toEqual([
      ["running", "idle"],
      ["idle", "running"],
    ]);
  });

  it("unstages what the plan staged, even when it fails", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    function* failing(): Plan {
      yield { command: "stage", obj: det };
      throw new Error("boom");
    }
    await expect(re.run(failing())).rejects.toThrow("boom");
    expect(det.staged).toBe(false);
    await re.run(rawScan([det], m1, 0, 1, 2));
    expect(det.staged).toBe(false);
  });

  it("starts a new descriptor when a device is reconfigured mid-run", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    function* plan(): Plan {
      yield { command: "open_run" };
      for (const exposure of [0.1, 0.2]) {
        yield { command: "configure", obj: det, settings: { exposure } };
        yield { command: "create", stream: "primary" };
        yield { command: "read", obj: det };
        yield { command: "save" };
      }
      yield { command: "close_run" };
    }
    const { docs, callback } = collector();
    await re.run(plan(), callback);
    expect(names(docs)).toEqual(["start", "descriptor", "event", "descriptor", "event", "stop"]);
    const descriptors = docs
      .filter(([n]) => n === "descriptor")
      .map(([, d]) => d as { configuration: Record<string, { data: Record<string, unknown> }> });
    expect(descriptors.map((d) => d.configuration.det!.data.det_exposure)).toEqual([0.1, 0.2]);
    // One count per stream name across descriptors, as bluesky's RunBundler keeps it.
    expect(eventsOf(docs).map((e) => e.seq_num)).toEqual([1, 2]);
    expect(stopOf(docs).num_events).toEqual({ primary: 2 });
    void m1;
  });

  it("rejects run() while busy and names the state", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const running = re.run(rawScan([det], m1, 0, 1, 3));
    await expect(re.run(rawScan([det], m1, 0, 1, 3))).rejects.toThrow(
      "run() while the engine is running",
    );
    await running;
  });

  it("ends with RunInterruptedError on abort, with the uids", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const running = re.run(rawScan([det], m1, 0, 1, 50));
    await clock.sleep(1);
    re.abort("sample fell off");
    const error = (await running.catch((e: unknown) => e)) as RunInterruptedError;
    expect(error).toBeInstanceOf(RunInterruptedError);
    expect(error.message).toBe("the run was aborted: sample fell off");
    expect(error.uids).toHaveLength(1);
  });
});
