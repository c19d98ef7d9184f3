// What the engine promises the hardware, as bluesky's RunEngine does: nothing it set keeps
// moving once the run is at rest or over, suspenders hold a run back before it starts, and
// a signal that cannot be read suspends rather than ends the process.
import { describe, expect, it, vi } from "vitest";
import type { Msg, Plan, Status } from "../../src/core/index.js";
import { datatype, softSignalRW } from "../../src/core/index.js";
import type { RunEngineState } from "../../src/engine/index.js";
import { RunEngine, RunInterruptedError, SuspendFloor } from "../../src/engine/index.js";
import { ModbusClient, modbusSignalR } from "../../src/transports/index.js";
import {
  beamline,
  collector,
  eventsOf,
  names,
  rawScan,
  stopOf,
  suspendedScan,
  until,
} from "./fixtures.js";
import { unusedPort } from "../support/unused-port.js";

/** A device that says what the engine told it, as bluesky's Pausable sees it. */
class Shutter {
  readonly name = "shutter";
  readonly calls: string[] = [];
  pause(): void {
    this.calls.push("pause");
  }
  resume(): void {
    this.calls.push("resume");
  }
  read() {
    return Promise.resolve({});
  }
  describe() {
    return Promise.resolve({});
  }
}

function* longMove(m1: ReturnType<typeof beamline>["m1"], shutter: Shutter): Plan {
  yield { command: "open_run" };
  yield { command: "checkpoint" };
  yield { command: "read", obj: shutter } as Msg;
  yield { command: "set", obj: m1, value: 50, group: "far" };
  yield { command: "wait", group: "far" };
  yield { command: "close_run" };
}

describe("a suspension", () => {
  it("stops what the run moved (success: true) and pauses devices, then resumes them", async () => {
    const { clock, m1 } = beamline();
    const beam = softSignalRW(datatype.float, 300, { name: "ring_current", clock });
    const re = new RunEngine({ clock, log: () => undefined });
    re.installSuspender(new SuspendFloor(beam, 100, { resumeDelay: 5 }));
    const shutter = new Shutter();
    const stops: unknown[] = [];
    const stop = m1.stop.bind(m1);
    m1.stop = (options) => (stops.push(options), stop(options));
    const running = re.run(longMove(m1, shutter), collector().callback);
    clock.schedule(2, () => void beam.set(5));
    await clock.sleep(10);
    expect(re.state).toBe("suspending");
    expect(await m1.moving.get()).toBe(false);
    expect(stops).toEqual([{ success: true }]);
    expect(shutter.calls).toEqual(["pause"]);
    beam.set(300);
    await running;
    expect(shutter.calls).toEqual(["pause", "resume"]);
    expect(await m1.readback.get()).toBe(50); // replayed from the checkpoint to the end
  });

  it("already tripped when the run starts holds it back, and it starts once clear", async () => {
    const { clock, m1, det } = beamline();
    const beam = softSignalRW(datatype.float, 5, { name: "ring_current", clock });
    const states: RunEngineState[] = [];
    const log: string[] = [];
    const re = new RunEngine({ clock, stateHook: (s) => states.push(s), log: (m) => log.push(m) });
    re.installSuspender(new SuspendFloor(beam, 100, { resumeDelay: 10 }));
    const { docs, callback } = collector();
    const t0 = clock.now();
    const running = re.run(rawScan([det], m1, -1, 1, 5), callback);
    await clock.sleep(50);
    expect(re.state).toBe("suspending");
    expect(docs).toEqual([]);
    expect(log.join("\n")).toContain("before starting: ring_current = 5, below 100");
    beam.set(300);
    await running;
    expect(names(docs)[0]).toBe("start");
    expect((docs[0]![1] as { time: number }).time - t0).toBeGreaterThanOrEqual(60);
    expect(eventsOf(docs)).toHaveLength(5);
    expect(stopOf(docs).exit_status).toBe("success");
    expect(states).toEqual(["running", "suspending", "running", "idle"]);
  });

  it("on a signal that cannot be read holds the run, naming the signal, until aborted", async () => {
    const { clock, m1, det } = beamline();
    const client = new ModbusClient({ host: "127.0.0.1", port: await unusedPort(), timeout: 0.2 });
    const current = modbusSignalR(
      client,
      { table: "input", address: 1, type: "int16" },
      { name: "ring_current", clock },
    );
    const log: string[] = [];
    const re = new RunEngine({ clock, log: (m) => log.push(m) });
    re.installSuspender(new SuspendFloor(current, 100));
    const { docs, callback } = collector();
    const running = re.run(rawScan([det], m1, -1, 1, 5), callback);
    await vi.waitFor(() => expect(re.state).toBe("suspending"), { timeout: 3000 });
    expect(log.join("\n")).toMatch(/before starting: reading ring_current failed: /);
    re.abort("no beam signal");
    await expect(running).rejects.toBeInstanceOf(RunInterruptedError);
    expect(docs).toEqual([]);
    await client.close();
  });

  it("can be paused (Ctrl-C), and then resumed, stopped, aborted or halted", async () => {
    const devices = beamline();
    const { m1 } = devices;
    const re = new RunEngine({ clock: devices.clock, log: () => undefined });
    const { docs, callback } = collector();
    const { running } = await suspendedScan(re, devices, callback);
    re.requestPause();
    await until(re, "paused");
    re.resume(); // the beam is still down: back to waiting for it
    await until(re, "suspending");
    re.requestPause();
    await until(re, "paused");
    re.abort("gave up on the beam");
    await expect(running).rejects.toThrow("the run was aborted: gave up on the beam");
    expect(stopOf(docs).exit_status).toBe("abort");
    expect(await m1.moving.get()).toBe(false);
  });
});

describe("the end of a run", () => {
  it("panics on a halt whose stop fails: nothing runs until clearPanic()", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock, log: () => undefined });
    m1.stop = () => Promise.reject(new Error("controller not answering"));
    const running = re.run(rawScan([det], m1, -5, 5, 3), collector().callback);
    await clock.sleep(1);
    re.halt();
    await expect(running).rejects.toThrow("the run was halted");
    expect(re.state).toBe("panicked");
    await expect(re.run(rawScan([det], m1, 0, 1, 2))).rejects.toThrow(
      "while the engine is panicked",
    );
    re.clearPanic();
    expect(re.state).toBe("idle");
  });

  it("stops a move the plan never waited for, with success: true, whatever the outcome", async () => {
    for (const outcome of ["success", "fail"] as const) {
      const { clock, m1 } = beamline();
      const re = new RunEngine({ clock, log: () => undefined });
      let move: Status | undefined;
      const plan = function* (): Plan {
        yield { command: "open_run" };
        move = (yield { command: "set", obj: m1, value: 50 }) as Status;
        if (outcome === "fail") throw new Error("the plan broke");
        yield { command: "close_run" };
      };
      const { docs, callback } = collector();
      const ran = await re.run(plan(), callback).then(
        () => "resolved",
        (error: Error) => error.message,
      );
      expect(ran).toBe(outcome === "success" ? "resolved" : "the plan broke");
      expect(await m1.moving.get()).toBe(false);
      expect(await m1.readback.get()).toBeLessThan(1);
      expect(move?.done && move.success).toBe(true);
      expect(stopOf(docs).exit_status).toBe(outcome);
    }
  });

  it("ends a pause by stopping moves with success: true, as bluesky does", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const stops: unknown[] = [];
    const stop = m1.stop.bind(m1);
    m1.stop = (options) => (stops.push(options), stop(options));
    const running = re.run(rawScan([det], m1, -5, 5, 3), collector().callback);
    await clock.sleep(2);
    re.requestPause();
    await until(re, "paused");
    expect(stops).toEqual([{ success: true }]);
    re.abort();
    await expect(running).rejects.toBeInstanceOf(RunInterruptedError);
    expect(stops.every((options) => (options as { success: boolean }).success)).toBe(true);
  });
});
