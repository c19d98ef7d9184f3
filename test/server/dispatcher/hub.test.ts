// The hub over many connections: the busy refusal across them, every subscriber given every
// state in order however fast the engine goes, and connections that go away.
import { describe, expect, it } from "vitest";
import type {
  EngineEvent,
  EngineSnapshot,
  HubAction,
  SessionId,
} from "../../../src/server/dispatcher/index.js";
import { DispatcherHub } from "../../../src/server/dispatcher/index.js";

type State = EngineSnapshot["state"];

function transition(state: State, oldState: State, run = 1): EngineEvent {
  return {
    kind: "state",
    state,
    oldState,
    planName: "count",
    runUid: `uid-${run}`,
    runStartTime: `2026-12-07T01:00:0${run % 10}`,
  };
}

const framesFor = (actions: HubAction[], session: SessionId): Record<string, unknown>[] =>
  actions.flatMap((a) =>
    a.kind === "send" && a.session === session
      ? [JSON.parse(a.frame) as Record<string, unknown>]
      : [],
  );

function plansHub(options: { window?: number; maxQueued?: number } = {}): DispatcherHub {
  return new DispatcherHub({ plans: (name) => name === "count" || name === "grid", ...options });
}

describe("DispatcherHub", () => {
  it("refuses a start on any connection while a plan runs, naming it, until it ends", () => {
    const hub = plansHub();
    const a = hub.open();
    const started = hub.receive(a, '{"type": "start", "plan": "count", "params": {"num": 3}}');
    expect(started.filter((x) => x.kind === "command")).toMatchObject([
      { session: a, command: { kind: "start", plan: "count", params: { num: 3 } } },
    ]);
    // Refused even before the engine reports running: the start itself holds the engine.
    const b = hub.open();
    expect(framesFor(hub.receive(b, '{"type": "start", "plan": "grid"}'), b)).toEqual([
      { success: false, status: 'Currently busy with "count" scan' },
    ]);
    hub.engineEvent(transition("running", "idle"));
    hub.engineEvent(transition("paused", "running"));
    const c = hub.open();
    expect(framesFor(hub.receive(c, '{"type": "start", "plan": "grid"}'), c)).toMatchObject([
      { success: false },
    ]);
    hub.engineEvent(transition("running", "paused"));
    hub.engineEvent(transition("idle", "running"));
    expect(hub.busyWith).toBeNull();
    const d = hub.open();
    expect(framesFor(hub.receive(d, '{"type": "start", "plan": "grid"}'), d)).toMatchObject([
      { success: true },
    ]);
  });

  it("names a run started elsewhere, and frees the engine after a plan's exception", () => {
    const hub = new DispatcherHub({
      plans: new Set(["count"]),
      initial: { state: "running", planName: "xafs", runUid: "u", runStartTime: "t" },
    });
    const a = hub.open();
    expect(framesFor(hub.receive(a, '{"type": "start", "plan": "count"}'), a)).toEqual([
      { success: false, status: 'Currently busy with "xafs" scan' },
    ]);
    hub.engineEvent(transition("idle", "running"));
    const b = hub.open();
    hub.receive(b, '{"type": "start", "plan": "count"}');
    expect(hub.busyWith).toBe("count");
    // The plan failed before the engine ran it: the exception names it and ends it.
    const s = hub.open();
    hub.receive(s, '{"type": "subscribe"}');
    const failed = hub.engineEvent({ kind: "exception", planName: null, error: "KeyError('x')" });
    expect(framesFor(failed, s)).toMatchObject([
      {
        type: "exception",
        message: "supplied plan with name \"count\" raised exception\nKeyError('x')",
      },
    ]);
    expect(hub.busyWith).toBeNull();
  });

  it("gives every subscriber every state of a fast sequence, in order, numbered", () => {
    const hub = plansHub({ window: 4 });
    const fast = hub.open();
    const slow = hub.open();
    const late = hub.open();
    const got = new Map<SessionId, Record<string, unknown>[]>([
      [fast, []],
      [slow, []],
      [late, []],
    ]);
    const collect = (actions: HubAction[]) => {
      for (const a of actions) if (a.kind === "send") got.get(a.session)!.push(JSON.parse(a.frame));
    };
    const ack = (session: SessionId) => {
      for (;;) {
        const more = hub.written(session, 4);
        if (more.length === 0) return;
        collect(more);
      }
    };
    collect(hub.receive(fast, '{"type": "subscribe"}'));
    collect(hub.receive(slow, '{"type": "subscribe"}'));

    // Thousands of runs go through idle -> running -> paused -> running -> idle with no
    // pause in between; the fast client acknowledges as it goes, the slow one never does.
    const cycle: State[] = ["running", "paused", "running", "idle"];
    const expected: State[] = [];
    let previous: State = "idle";
    for (let run = 1; run <= 500; run++) {
      for (const state of cycle) {
        collect(hub.engineEvent(transition(state, previous, run)));
        expected.push(state);
        previous = state;
        ack(fast);
      }
      if (run === 250) collect(hub.receive(late, '{"type": "subscribe"}'));
    }
    expect(got.get(slow)).toHaveLength(4);
    ack(slow);
    ack(late);

    for (const session of [fast, slow]) {
      const frames = got.get(session)!;
      expect(frames).toHaveLength(expected.length + 1);
      expect(frames.map((f) => f["seq"])).toEqual(frames.map((_, i) => i));
      expect(frames.slice(1).map((f) => f["state"])).toEqual(expected);
      const olds = frames.slice(1).map((f) => f["old_state"]);
      expect(olds).toEqual(["idle", ...expected.slice(0, -1)]);
      expect(frames.at(-1)).toMatchObject({ run_uid: "uid-500", state: "idle" });
    }
    // A late subscriber's snapshot is where the earlier events left the engine; it then
    // gets exactly the events after it, no gap and no repeat.
    const lateFrames = got.get(late)!;
    expect(lateFrames[0]).toMatchObject({ state: "idle", run_uid: "uid-250", seq: 0 });
    expect(lateFrames.slice(1).map((f) => f["state"])).toEqual(expected.slice(250 * 4));
  });

  it("closes only the subscriber that lags, and keeps serving the others", () => {
    const hub = plansHub({ window: 1, maxQueued: 10 });
    const keeping = hub.open();
    const lagging = hub.open();
    hub.receive(keeping, '{"type": "subscribe"}');
    hub.receive(lagging, '{"type": "subscribe"}');
    const closes: HubAction[] = [];
    for (let i = 0; i < 20; i++) {
      const actions = hub.engineEvent(transition(i % 2 ? "idle" : "running", "idle"));
      closes.push(...actions.filter((a) => a.kind === "close"));
      hub.written(keeping);
    }
    expect(closes).toEqual([
      { kind: "close", session: lagging, code: 1008, reason: "client fell too far behind" },
    ]);
    expect(hub.sessionCount).toBe(1);
  });

  it("routes a command's outcome to the connection that asked, if it is still there", () => {
    const hub = plansHub();
    hub.engineEvent(transition("running", "idle"));
    const a = hub.open();
    const b = hub.open();
    const pauseA = hub.receive(a, '{"type": "pause", "keep_open": true}');
    const stopB = hub.receive(b, '{"type": "stop"}');
    const idOf = (actions: HubAction[]) => {
      const command = actions.find((x) => x.kind === "command");
      if (command?.kind !== "command") throw new Error("no command");
      return command.id;
    };
    const [pauseId, stopId] = [idOf(pauseA), idOf(stopB)];
    expect(pauseId).not.toBe(stopId);
    hub.closed(b);
    expect(hub.commandResult(stopId, { ok: true })).toEqual([]);
    expect(hub.commandResult(pauseId, { ok: true })).toEqual([
      {
        kind: "send",
        session: a,
        frame: '{"success": true, "status": "pause requested"}',
      },
    ]);
    expect(hub.receive(b, '{"type": "state"}')).toEqual([]);
  });

  it("forgets a connection once it has been told to close", () => {
    const hub = plansHub();
    const a = hub.open();
    hub.receive(a, '{"type": "state"}');
    expect(hub.sessionCount).toBe(0);
    expect(hub.written(a)).toEqual([]);
  });
});
