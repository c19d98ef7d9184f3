// One connection's rules: one-shot versus keep_open, requests answered in order while a
// command waits for the engine, and a subscriber's bounded, lossless queue.
import { describe, expect, it } from "vitest";
import type {
  EngineEvent,
  EngineSnapshot,
  SessionAction,
  SessionContext,
} from "../../../src/server/dispatcher/index.js";
import { DispatcherSession, IDLE_SNAPSHOT } from "../../../src/server/dispatcher/index.js";

function context(snapshot: EngineSnapshot = IDLE_SNAPSHOT): SessionContext & {
  claimed: string[];
} {
  let next = 1;
  const claimed: string[] = [];
  return {
    claimed,
    snapshot: () => snapshot,
    hasPlan: (name) => name === "count",
    busyWith: () => claimed.at(-1) ?? null,
    claim: (plan) => {
      claimed.push(plan);
    },
    nextCommandId: () => next++,
  };
}

const parsed = (actions: SessionAction[]): unknown[] =>
  actions.flatMap((a) => (a.kind === "send" ? [JSON.parse(a.frame)] : []));
const closes = (actions: SessionAction[]) => actions.filter((a) => a.kind === "close");

const state = (to: EngineSnapshot["state"], from: EngineSnapshot["state"]): EngineEvent => ({
  kind: "state",
  state: to,
  oldState: from,
  planName: "count",
  runUid: "uid-1",
  runStartTime: "t0",
});

describe("DispatcherSession", () => {
  it("closes after one reply unless the request had keep_open", () => {
    const oneShot = new DispatcherSession(context());
    const first = oneShot.receive('{"type": "state"}');
    expect(closes(first)).toHaveLength(1);
    expect(first.at(-1)).toEqual({ kind: "close", code: 1000, reason: "" });
    expect(oneShot.closed).toBe(true);
    expect(oneShot.receive('{"type": "state"}')).toEqual([]);

    const kept = new DispatcherSession(context());
    for (let i = 0; i < 3; i++) {
      const actions = kept.receive('{"type": "state", "keep_open": null}');
      expect(parsed(actions)).toEqual([
        { type: "status", about: "current state of the Bluesky RunEngine", state: "idle" },
      ]);
      expect(closes(actions)).toEqual([]);
    }
    // The first request without the key ends the conversation.
    expect(closes(kept.receive('{"type": "start"}'))).toHaveLength(1);
  });

  it("answers frames that came during a command after the command's reply, in order", () => {
    const session = new DispatcherSession(context());
    const pause = session.receive('{"type": "pause", "keep_open": 1}');
    expect(pause).toEqual([{ kind: "command", id: 1, command: { kind: "pause", defer: true } }]);
    expect(session.pendingCommand).toBe(1);
    expect(session.receive('{"type": "state", "keep_open": 1}')).toEqual([]);
    expect(session.receive('{"type": "stop"}')).toEqual([]);
    expect(session.commandResult(99, { ok: true })).toEqual([]);

    const after = session.commandResult(1, { ok: true });
    expect(parsed(after)).toEqual([
      { success: true, status: "pause requested" },
      { type: "status", about: "current state of the Bluesky RunEngine", state: "idle" },
    ]);
    expect(after.at(-1)).toEqual({ kind: "command", id: 2, command: { kind: "stop" } });
    expect(after.map((a) => a.kind)).toEqual(["send", "send", "command"]);
    const stopped = session.commandResult(2, { ok: false, exception: "RuntimeError()" });
    expect(parsed(stopped)).toEqual([
      { success: false, status: "exception was raised", exception: "RuntimeError()" },
    ]);
    expect(closes(stopped)).toHaveLength(1);
  });

  it("pauses at once when asked, an addition the original lacks", () => {
    const session = new DispatcherSession(context());
    expect(session.receive('{"type": "pause", "defer": false}')).toEqual([
      { kind: "command", id: 1, command: { kind: "pause", defer: false } },
    ]);
  });

  it("drops what was waiting when a reply closes the connection", () => {
    const session = new DispatcherSession(context());
    session.receive('{"type": "halt"}');
    session.receive('{"type": "state"}');
    const after = session.commandResult(1, { ok: true });
    expect(parsed(after)).toEqual([{ success: true, status: "halt requested" }]);
    expect(closes(after)).toHaveLength(1);
  });

  it("claims the plan it starts and refuses a second start naming it", () => {
    const ctx = context();
    const session = new DispatcherSession(ctx);
    const started = session.receive('{"type": "start", "plan": "count", "keep_open": true}');
    expect(ctx.claimed).toEqual(["count"]);
    expect(started[1]).toEqual({
      kind: "command",
      id: 1,
      command: { kind: "start", plan: "count" },
    });
    expect(
      parsed(session.receive('{"type": "start", "plan": "count", "keep_open": true}')),
    ).toEqual([{ success: false, status: 'Currently busy with "count" scan' }]);
  });

  it("stays open once subscribed and numbers every event from the snapshot on", () => {
    const session = new DispatcherSession(context(), { version: "9.9" });
    const first = session.receive('{"type": "subscribe"}');
    expect(parsed(first)).toEqual([
      {
        bluesky_dispatcher_version: "9.9",
        type: "status",
        about: "run engine state updates",
        state: "idle",
        plan_name: null,
        run_uid: null,
        run_start_time: null,
        seq: 0,
      },
    ]);
    expect(closes(first)).toEqual([]);
    expect(parsed(session.engineEvent(state("running", "idle")))).toEqual([
      {
        type: "status",
        about: "run engine state updates",
        state: "running",
        old_state: "idle",
        plan_name: "count",
        run_uid: "uid-1",
        run_start_time: "t0",
        seq: 1,
      },
    ]);
    // A request without keep_open does not end a subscription.
    const reply = session.receive('{"type": "state"}');
    expect(parsed(reply)).toHaveLength(1);
    expect(closes(reply)).toEqual([]);
    expect(
      parsed(session.engineEvent({ kind: "exception", planName: "count", error: "E()" })),
    ).toMatchObject([{ type: "exception", seq: 2 }]);
  });

  it("tells a connection that has not subscribed nothing of the engine", () => {
    const session = new DispatcherSession(context());
    session.receive('{"type": "state", "keep_open": true}');
    expect(session.engineEvent(state("running", "idle"))).toEqual([]);
  });

  it("hands the socket at most a window of frames and the rest as it writes them", () => {
    const session = new DispatcherSession(context(), { window: 2 });
    session.receive('{"type": "subscribe"}'); // seq 0, in flight
    const states = ["running", "paused", "running", "idle", "running", "idle"] as const;
    const handed: SessionAction[] = [];
    let previous: EngineSnapshot["state"] = "idle";
    for (const s of states) {
      handed.push(...session.engineEvent(state(s, previous)));
      previous = s;
    }
    expect(handed).toHaveLength(1);
    expect(session.queued).toBe(5);
    while (session.queued > 0) handed.push(...session.written(1));
    const got = parsed(handed) as { seq: number; state: string; old_state: string }[];
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(got.map((e) => e.state)).toEqual([...states]);
    expect(got.map((e) => e.old_state)).toEqual(["idle", ...states.slice(0, -1)]);
  });

  it("closes a subscriber that falls too far behind rather than skip a state", () => {
    const session = new DispatcherSession(context(), { window: 1, maxQueued: 3 });
    session.receive('{"type": "subscribe"}');
    const actions: SessionAction[] = [];
    for (let i = 0; i < 4; i++) {
      actions.push(...session.engineEvent(state(i % 2 ? "idle" : "running", "idle")));
    }
    expect(parsed(actions)).toEqual([]);
    expect(actions).toEqual([{ kind: "close", code: 1008, reason: "client fell too far behind" }]);
    expect(session.closed).toBe(true);
    expect(session.engineEvent(state("running", "idle"))).toEqual([]);
  });

  it("sends the close only after the frames before it", () => {
    const session = new DispatcherSession(context(), { window: 1 });
    session.receive('{"type": "subscribe"}');
    session.engineEvent(state("running", "idle"));
    const refused = session.receive("not json");
    expect(refused).toEqual([]);
    const rest = [...session.written(), ...session.written()];
    expect(parsed(rest)).toMatchObject([{ seq: 1 }, { status: expect.stringContaining("json") }]);
    expect(rest.at(-1)).toMatchObject({ kind: "close" });
  });

  it("answers a malformed known request without closing a keep_open connection", () => {
    const session = new DispatcherSession(context());
    const actions = session.receive('{"type": "start", "plan": 7, "keep_open": true}');
    expect(parsed(actions)).toEqual([
      { success: false, status: expect.stringMatching(/^Invalid request: "plan": /) },
    ]);
    expect(closes(actions)).toEqual([]);
  });
});
