import { describe, expect, it } from "vitest";
import type { DocumentCallback, Msg, Plan } from "../../src/core/index.js";
import {
  checkpoint,
  clearCheckpoint,
  closeRun,
  configure,
  create,
  declareStream,
  drop,
  locate,
  nullMsg,
  openRun,
  pause,
  read,
  save,
  sleep,
  stage,
  stageAll,
  stop,
  subscribe,
  unstage,
  unstageAll,
  unsubscribe,
  wait,
} from "../../src/plans/index.js";
import { fakeDetector, fakeGauge, fakeMotor, lines, respond } from "./responder.js";

/** The one message a stub yields, and what it returns for `answer`. */
function single<R>(plan: Plan<R>, answer?: unknown): { msg: Msg; result: R } {
  const first = plan.next();
  if (first.done) throw new Error("the stub yielded nothing");
  const last = plan.next(answer);
  if (!last.done) throw new Error("the stub yielded more than one message");
  return { msg: first.value, result: last.value };
}

describe("plan stubs", () => {
  const det = fakeDetector("det");
  const m1 = fakeMotor("m1");

  it("open a run with md and return the engine's uid", () => {
    expect(single(openRun({ sample: "Si" }), "uid-7")).toEqual({
      msg: { command: "open_run", md: { sample: "Si" } },
      result: "uid-7",
    });
    expect(single(openRun()).msg).toStrictEqual({ command: "open_run" });
  });

  it("close a run, with an exit status and reason only when given", () => {
    expect(single(closeRun(), "uid-7")).toStrictEqual({
      msg: { command: "close_run" },
      result: "uid-7",
    });
    expect(single(closeRun("abort", "user stop")).msg).toStrictEqual({
      command: "close_run",
      exitStatus: "abort",
      reason: "user stop",
    });
  });

  it("bundle readings: create (primary by default), read returns readings, save, drop", () => {
    expect(single(create()).msg).toEqual({ command: "create", stream: "primary" });
    expect(single(create("dark")).msg).toEqual({ command: "create", stream: "dark" });
    const readings = { det: { value: 3, timestamp: 1 } };
    expect(single(read(det), readings)).toEqual({
      msg: { command: "read", obj: det },
      result: readings,
    });
    expect(single(read(det), undefined).result).toEqual({});
    expect(single(save()).msg).toEqual({ command: "save" });
    expect(single(drop()).msg).toEqual({ command: "drop" });
  });

  it("locate returns the engine's location", () => {
    const location = { setpoint: 1, readback: 1.1 };
    expect(single(locate(m1), location)).toEqual({
      msg: { command: "locate", obj: m1 },
      result: location,
    });
  });

  it("wait for a group, or for every ungrouped status, with an optional timeout", () => {
    expect(single(wait()).msg).toStrictEqual({ command: "wait" });
    expect(single(wait("g", 5)).msg).toStrictEqual({ command: "wait", group: "g", timeout: 5 });
  });

  it("yield the flow-control messages", () => {
    expect(single(sleep(2)).msg).toEqual({ command: "sleep", seconds: 2 });
    expect(single(checkpoint()).msg).toEqual({ command: "checkpoint" });
    expect(single(clearCheckpoint()).msg).toEqual({ command: "clear_checkpoint" });
    expect(single(pause()).msg).toStrictEqual({ command: "pause" });
    expect(single(pause(true)).msg).toEqual({ command: "pause", defer: true });
    expect(single(nullMsg()).msg).toEqual({ command: "null" });
  });

  it("stage, unstage, stop and configure a device", () => {
    expect(single(stage(det)).msg).toEqual({ command: "stage", obj: det });
    expect(single(unstage(det)).msg).toEqual({ command: "unstage", obj: det });
    const shutter = { name: "shutter", stop: () => Promise.resolve() };
    expect(single(stop(shutter)).msg).toEqual({ command: "stop", obj: shutter });
    const camera = {
      ...fakeGauge("cam"),
      configure: async () => {},
      readConfiguration: async () => ({}),
      describeConfiguration: async () => ({}),
    };
    expect(single(configure(camera, { exposure: 0.5 }), "ok")).toEqual({
      msg: { command: "configure", obj: camera, settings: { exposure: 0.5 } },
      result: "ok",
    });
  });

  it("stageAll and unstageAll skip what cannot be staged and stage each device once", () => {
    const other = fakeDetector("other");
    const devices = [det, m1, fakeGauge("gauge"), other, det];
    expect(lines(respond(stageAll(devices)).messages)).toEqual(["stage det", "stage other"]);
    expect(lines(respond(unstageAll(devices)).messages)).toEqual(["unstage det", "unstage other"]);
  });

  it("declare a stream and subscribe, returning the engine's token", () => {
    expect(single(declareStream("baseline", [det])).msg).toEqual({
      command: "declare_stream",
      stream: "baseline",
      objs: [det],
    });
    const callback: DocumentCallback = () => undefined;
    expect(single(subscribe("stop", callback), 4)).toEqual({
      msg: { command: "subscribe", name: "stop", callback },
      result: 4,
    });
    expect(single(unsubscribe(4)).msg).toEqual({ command: "unsubscribe", token: 4 });
  });
});
