import { describe, expect, it } from "vitest";
import type { Msg } from "../../src/core/index.js";
import { RunEngine, RunInterruptedError } from "../../src/engine/index.js";
import { beamline, collector, eventsOf, rawScan, stopOf, until } from "./fixtures.js";

const cleanupMarker: Msg = { command: "null" };

describe("pause and resume", () => {
  it("pauses at the next checkpoint and resumes to the same events, none repeated", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const running = re.run(rawScan([det], m1, -1, 1, 21), callback);
    await clock.sleep(2);
    re.requestPause(true);
    await until(re, "paused");
    const before = eventsOf(docs).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(21);
    await clock.sleep(30); // nothing happens while paused
    expect(eventsOf(docs).length).toBe(before);
    re.resume();
    await running;
    const events = eventsOf(docs);
    expect(events.map((e) => e.seq_num)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(events.map((e) => e.data.m1)).toEqual(events.map((_, i) => -1 + (2 * i) / 20));
    expect(stopOf(docs)).toMatchObject({ exit_status: "success", num_events: { primary: 21 } });
  });

  it("pauses at once mid-move, stops the motor, and replays the interrupted step on resume", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const running = re.run(rawScan([det], m1, -5, 5, 3), callback); // long moves
    await clock.sleep(2.5); // into the move from -5 to 0
    expect(await m1.moving.get()).toBe(true);
    re.requestPause();
    await until(re, "paused");
    expect(await m1.moving.get()).toBe(false);
    const stoppedAt = await m1.readback.get();
    expect(stoppedAt).toBeGreaterThan(-5);
    expect(stoppedAt).toBeLessThan(0);
    re.resume();
    await running;
    const events = eventsOf(docs);
    expect(events.map((e) => [e.seq_num, e.data.m1])).toEqual([
      [1, -5],
      [2, 0],
      [3, 5],
    ]);
  });

  it("ends a paused run with stop (success), abort (abort) or halt (abort, no cleanup)", async () => {
    for (const [how, exitStatus, cleaned] of [
      ["stop", "success", true],
      ["abort", "abort", true],
      ["halt", "abort", false],
    ] as const) {
      const { clock, m1, det } = beamline();
      const re = new RunEngine({ clock });
      const { docs, callback } = collector();
      const seen: Msg[] = [];
      re.subscribe(() => undefined);
      const plan = rawScan([det], m1, -1, 1, 21, [cleanupMarker]);
      const running = re.run(
        (function* () {
          const it = plan;
          let response: unknown;
          for (let step = it.next(); !step.done;) {
            seen.push(step.value);
            try {
              response = yield step.value;
              step = it.next(response);
            } catch (error) {
              step = it.throw(error);
            }
          }
        })(),
        callback,
      );
      await clock.sleep(1);
      re.requestPause();
      await until(re, "paused");
      re[how]();
      const outcome = await running.then(
        () => "resolved",
        (e: unknown) => e,
      );
      if (how === "stop") expect(outcome).toBe("resolved");
      else expect(outcome).toBeInstanceOf(RunInterruptedError);
      expect(stopOf(docs).exit_status).toBe(exitStatus);
      expect(seen.includes(cleanupMarker)).toBe(cleaned);
      expect(await m1.moving.get()).toBe(false);
      expect(re.state).toBe("idle");
    }
  });
});

describe("stop, abort and halt while running", () => {
  it("halt leaves no device moving and skips the plan's cleanup", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const running = re.run(rawScan([det], m1, -5, 5, 3), callback);
    await clock.sleep(2);
    expect(await m1.moving.get()).toBe(true);
    re.halt();
    await expect(running).rejects.toThrow("the run was halted: halted by request");
    expect(await m1.moving.get()).toBe(false);
    expect(stopOf(docs)).toMatchObject({ exit_status: "abort", reason: "halted by request" });
    await clock.sleep(10);
    expect(await m1.moving.get()).toBe(false);
  });

  it("abort runs the plan's cleanup and closes with exit_status abort", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const running = re.run(
      rawScan([det], m1, -5, 5, 3, [
        { command: "set", obj: m1, value: 0, group: "home" },
        { command: "wait", group: "home" },
      ]),
      callback,
    );
    await clock.sleep(2);
    re.abort("beam lost");
    await expect(running).rejects.toBeInstanceOf(RunInterruptedError);
    expect(await m1.readback.get()).toBe(0); // the cleanup moved it home
    expect(stopOf(docs)).toMatchObject({ exit_status: "abort", reason: "beam lost" });
  });

  it("stop ends as a success with the events taken so far", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const running = re.run(rawScan([det], m1, -1, 1, 21), callback);
    await clock.sleep(2);
    re.stop();
    const uids = await running;
    const stop = stopOf(docs);
    expect(stop.exit_status).toBe("success");
    expect(stop.num_events.primary).toBe(eventsOf(docs).length);
    expect(uids).toHaveLength(1);
  });

  it("aborts a pause where the plan has no checkpoint", async () => {
    const { clock, m1 } = beamline();
    const re = new RunEngine({ clock, log: () => undefined });
    const { docs, callback } = collector();
    const running = re.run(
      (function* () {
        yield { command: "open_run" } as Msg;
        yield { command: "sleep", seconds: 100 } as Msg;
        yield { command: "close_run" } as Msg;
      })(),
      callback,
    );
    await clock.sleep(1);
    re.requestPause();
    await expect(running).rejects.toThrow("paused where the plan has no checkpoint");
    expect(stopOf(docs).exit_status).toBe("abort");
    void m1;
  });
});
