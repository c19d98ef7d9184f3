import { describe, expect, it } from "vitest";
import type { DocumentCallback, Plan } from "../../src/core/index.js";
import {
  absSet,
  baselineWrapper,
  count,
  finalizeWrapper,
  mv,
  nullMsg,
  openRun,
  closeRun,
  relativeSetWrapper,
  resetPositionsWrapper,
  runWrapper,
  sleep,
  stageWrapper,
  subsWrapper,
} from "../../src/plans/index.js";
import { fakeDetector, fakeGauge, fakeMotor, lines, only, respond } from "./responder.js";

const fault = new Error("fault");
const failOn = (command: string) => (msg: { command: string }) =>
  msg.command === command ? fault : undefined;

function* sleeps(...seconds: number[]): Plan<string> {
  for (const s of seconds) yield* sleep(s);
  return "inner result";
}

describe("finalizeWrapper", () => {
  it("runs the final plan after the plan and returns the plan's result", () => {
    const { messages, result } = respond(finalizeWrapper(sleeps(1), nullMsg()));
    expect(lines(messages)).toEqual(["sleep 1", "null"]);
    expect(result).toBe("inner result");
  });

  it("runs the final plan when the engine throws into the plan, then passes the error on", () => {
    const { messages, error } = respond(
      finalizeWrapper(sleeps(1, 2), () => nullMsg()),
      {
        fail: failOn("sleep"),
      },
    );
    expect(lines(messages)).toEqual(["sleep 1", "null"]);
    expect(error).toBe(fault);
  });

  it("runs the final plan when the plan itself throws", () => {
    function* broken(): Plan<void> {
      yield* sleep(1);
      throw fault;
    }
    const { messages, error } = respond(finalizeWrapper(broken(), nullMsg()));
    expect(lines(messages)).toEqual(["sleep 1", "null"]);
    expect(error).toBe(fault);
  });
});

describe("runWrapper", () => {
  it("opens a run with md around the plan, closes it and returns the uid", () => {
    const { messages, result } = respond(runWrapper(sleeps(1), { sample: "Si" }));
    expect(messages).toEqual([
      { command: "open_run", md: { sample: "Si" } },
      { command: "sleep", seconds: 1 },
      { command: "close_run" },
    ]);
    expect(result).toBe("uid-1");
  });

  it("leaves a failed run for the engine to close with the reason", () => {
    const { messages, error } = respond(runWrapper(sleeps(1)), { fail: failOn("sleep") });
    expect(lines(messages)).toEqual(["open_run", "sleep 1"]);
    expect(error).toBe(fault);
  });
});

describe("stageWrapper", () => {
  it("stages first and unstages in reverse order, even on failure", () => {
    const a = fakeDetector("a");
    const b = fakeDetector("b");
    const devices = [a, fakeMotor("m1"), b, a];
    expect(lines(respond(stageWrapper(sleeps(1), devices)).messages)).toEqual([
      "stage a",
      "stage b",
      "sleep 1",
      "unstage b",
      "unstage a",
    ]);
    const failed = respond(stageWrapper(sleeps(1), devices), { fail: failOn("sleep") });
    expect(lines(failed.messages).slice(-2)).toEqual(["unstage b", "unstage a"]);
    expect(failed.error).toBe(fault);
  });
});

describe("subsWrapper", () => {
  it("subscribes before the plan and unsubscribes every token after it", () => {
    const all: DocumentCallback = () => undefined;
    const onStop: DocumentCallback = () => undefined;
    const { messages } = respond(subsWrapper(sleeps(1), { all: [all], stop: onStop }), {
      fail: failOn("sleep"),
    });
    expect(messages).toEqual([
      { command: "subscribe", name: "all", callback: all },
      { command: "subscribe", name: "stop", callback: onStop },
      { command: "sleep", seconds: 1 },
      { command: "unsubscribe", token: 1 },
      { command: "unsubscribe", token: 2 },
    ]);
  });

  it("takes a lone callback for all documents", () => {
    const all: DocumentCallback = () => undefined;
    expect(respond(subsWrapper(sleeps(), all)).messages[0]).toEqual({
      command: "subscribe",
      name: "all",
      callback: all,
    });
  });
});

describe("baselineWrapper", () => {
  it("reads the devices into the baseline stream right after open_run and before close_run", () => {
    const det = fakeDetector("det");
    const gauge = fakeGauge("gauge");
    const { messages, result } = respond(baselineWrapper(count([det]), [gauge]));
    const baseline = ["create baseline", "read gauge", "save"];
    expect(lines(messages)).toEqual([
      "stage det",
      "open_run",
      "declare_stream baseline",
      ...baseline,
      "checkpoint",
      "trigger det",
      "wait",
      "create primary",
      "read det",
      "save",
      ...baseline,
      "close_run",
      "unstage det",
    ]);
    expect(only(messages, "declare_stream")[0]).toEqual({
      command: "declare_stream",
      stream: "baseline",
      objs: [gauge],
    });
    expect(result).toBe("uid-1");
  });

  it("takes another stream name, and leaves the plan alone without devices", () => {
    const gauge = fakeGauge("gauge");
    const named = respond(baselineWrapper(runWrapper(sleeps()), [gauge], { stream: "env" }));
    expect(only(named.messages, "create").map((msg) => msg.stream)).toEqual(["env", "env"]);
    expect(lines(respond(baselineWrapper(runWrapper(sleeps()), [])).messages)).toEqual([
      "open_run",
      "close_run",
    ]);
  });
});

describe("relativeSetWrapper", () => {
  const m1 = fakeMotor("m1");
  const m2 = fakeMotor("m2");

  it("locates each device once, before its first set, and shifts its sets by that origin", () => {
    function* moves(): Plan<void> {
      yield* mv([m1, 1]);
      yield* mv([m1, -1]);
      yield* absSet(m2, 3);
    }
    const { messages } = respond(relativeSetWrapper(moves()), {
      positions: [
        [m1, 10],
        [m2, 20],
      ],
    });
    expect(lines(messages)).toEqual([
      "locate m1",
      "set m1 11",
      "wait",
      "set m1 9",
      "wait",
      "locate m2",
      "set m2 23",
    ]);
  });

  it("leaves other devices' sets absolute", () => {
    function* moves(): Plan<void> {
      yield* mv([m1, 1], [m2, 1]);
    }
    const { messages } = respond(relativeSetWrapper(moves(), [m2]), { positions: [[m2, 5]] });
    expect(lines(messages)).toEqual(["set m1 1", "locate m2", "set m2 6", "wait"]);
  });

  it("keeps the set's group and sends the set's Status back into the plan", () => {
    let got: unknown;
    function* moves(): Plan<void> {
      got = yield* absSet(m1, 1, { group: "g" });
    }
    const { messages } = respond(relativeSetWrapper(moves()));
    expect(only(messages, "set")[0]).toEqual({ command: "set", obj: m1, value: 1, group: "g" });
    expect(got).toBeDefined();
  });
});

describe("resetPositionsWrapper", () => {
  const m1 = fakeMotor("m1");
  const m2 = fakeMotor("m2");

  function* wander(): Plan<void> {
    yield* mv([m1, 1], [m2, 2]);
    yield* mv([m1, 3]);
  }

  it("notes positions before the first set of each device and restores them together", () => {
    const { messages, positions } = respond(resetPositionsWrapper(wander()), {
      positions: [
        [m1, -5],
        [m2, 7],
      ],
    });
    expect(lines(messages)).toEqual([
      "locate m1",
      "set m1 1",
      "locate m2",
      "set m2 2",
      "wait",
      "set m1 3",
      "wait",
      "set m1 -5",
      "set m2 7",
      "wait",
    ]);
    const restore = messages.slice(-3) as Array<{ group?: string }>;
    expect(restore[0]?.group).toEqual(expect.any(String));
    expect(new Set(restore.map((msg) => msg.group)).size).toBe(1);
    expect([positions.get(m1), positions.get(m2)]).toEqual([-5, 7]);
  });

  it("restores only the given devices, and restores them when the plan fails", () => {
    const { messages, error } = respond(resetPositionsWrapper(wander(), [m2]), {
      positions: [[m2, 7]],
      fail: (_msg, index) => (index === 3 ? fault : undefined),
    });
    expect(error).toBe(fault);
    expect(lines(messages)).toEqual([
      "set m1 1",
      "locate m2",
      "set m2 2",
      "wait",
      "set m2 7",
      "wait",
    ]);
  });

  it("restores nothing when nothing moved", () => {
    expect(respond(resetPositionsWrapper(sleeps(1))).messages).toHaveLength(1);
  });
});

describe("wrappers compose", () => {
  it("openRun and closeRun inside a baseline-wrapped plan still get the uid", () => {
    function* plan(): Plan<string> {
      const uid = yield* openRun();
      return yield* closeRun(uid === "uid-1" ? "success" : "fail");
    }
    const { messages } = respond(baselineWrapper(plan(), [fakeGauge("g")]));
    expect(only(messages, "close_run")[0]?.exitStatus).toBe("success");
  });
});
