import { describe, expect, it } from "vitest";
import type { Msg, Plan } from "../../src/core/index.js";
import { interceptMessages, mapMessages, nullMsg, sleep } from "../../src/plans/index.js";
import { lines, respond } from "./responder.js";

describe("mapMessages", () => {
  it("rewrites messages and sends the rewritten message's response into the plan", () => {
    const got: unknown[] = [];
    function* plan(): Plan<string> {
      got.push(yield { command: "sleep", seconds: 1 });
      got.push(yield { command: "open_run" });
      return "done";
    }
    const doubled = mapMessages(plan(), (msg) =>
      msg.command === "sleep" ? { ...msg, seconds: msg.seconds * 2 } : msg,
    );
    const { messages, result } = respond(doubled);
    expect(lines(messages)).toEqual(["sleep 2", "open_run"]);
    expect(got).toEqual([undefined, "uid-1"]);
    expect(result).toBe("done");
  });

  it("throws the engine's errors into the plan, whose handlers and finally run", () => {
    const cleanup: string[] = [];
    function* plan(): Plan<void> {
      try {
        yield* sleep(1);
      } catch (error) {
        cleanup.push(`caught ${(error as Error).message}`);
        yield* nullMsg();
      } finally {
        cleanup.push("finally");
      }
    }
    const fault = new Error("fault");
    const { messages, error } = respond(
      mapMessages(plan(), (msg) => msg),
      {
        fail: (msg) => (msg.command === "sleep" ? fault : undefined),
      },
    );
    expect(error).toBeUndefined();
    expect(lines(messages)).toEqual(["sleep 1", "null"]);
    expect(cleanup).toEqual(["caught fault", "finally"]);
  });

  it("passes an uncaught error on after the plan's finally", () => {
    function* plan(): Plan<void> {
      try {
        yield* sleep(1);
      } finally {
        yield* nullMsg();
      }
    }
    const fault = new Error("fault");
    const { messages, error } = respond(
      mapMessages(plan(), (msg) => msg),
      {
        fail: (msg) => (msg.command === "sleep" ? fault : undefined),
      },
    );
    expect(error).toBe(fault);
    expect(lines(messages)).toEqual(["sleep 1", "null"]);
  });

  it("closes the plan on return(), letting its cleanup messages out through the mapping", () => {
    function* plan(): Plan<void> {
      try {
        yield* sleep(1);
        yield* sleep(2);
      } finally {
        yield* sleep(3);
      }
    }
    const wrapped = mapMessages(plan(), (msg) =>
      msg.command === "sleep" ? { ...msg, seconds: msg.seconds * 10 } : msg,
    );
    expect(wrapped.next().value).toEqual({ command: "sleep", seconds: 10 });
    expect(wrapped.return(undefined).value).toEqual({ command: "sleep", seconds: 30 });
    expect(wrapped.next().done).toBe(true);
  });
});

describe("interceptMessages", () => {
  it("can put messages around one and answer the plan with the one's response", () => {
    function* plan(): Plan<unknown> {
      return yield { command: "open_run" };
    }
    const wrapped = interceptMessages(plan(), function* (msg: Msg) {
      yield* nullMsg();
      const response = yield msg;
      yield* nullMsg();
      return response;
    });
    const { messages, result } = respond(wrapped);
    expect(lines(messages)).toEqual(["null", "open_run", "null"]);
    expect(result).toBe("uid-1");
  });
});
