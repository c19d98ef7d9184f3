// Each request of the dispatcher protocol and the exact bytes its reply has in the original
// (Python's json.dumps of the reply dicts), in legacy mode, which adds nothing to them.
import { describe, expect, it } from "vitest";
import type { EngineSnapshot, HubAction } from "../../../src/server/dispatcher/index.js";
import { DispatcherHub } from "../../../src/server/dispatcher/index.js";

const PAUSED: EngineSnapshot = {
  state: "paused",
  planName: "slew_scan",
  runUid: "0b9c5e4c-6d0f-4c38-9a39-2a5d8f1e7c11",
  runStartTime: "2026-12-07T01:00:00+00:00",
};

function hub(initial?: EngineSnapshot): DispatcherHub {
  return new DispatcherHub({ plans: new Set(["slew_scan"]), legacy: true, initial });
}

const sent = (actions: HubAction[]) => actions.flatMap((a) => (a.kind === "send" ? [a.frame] : []));
const closed = (actions: HubAction[]) => actions.some((a) => a.kind === "close");
const commands = (actions: HubAction[]) =>
  actions.flatMap((a) => (a.kind === "command" ? [a.command] : []));

/** One request on a fresh connection: what is sent, whether it closes, the commands. */
function ask(h: DispatcherHub, request: string) {
  const session = h.open();
  const actions = h.receive(session, request);
  return { session, actions, frames: sent(actions), closed: closed(actions) };
}

describe("replies, byte for byte", () => {
  it("start with and without params", () => {
    const plain = ask(hub(), '{"type": "start", "plan": "slew_scan"}');
    expect(plain.frames).toEqual([
      '{"success": true, "status": "Signalling main thread to start a new scan"}',
    ]);
    expect(plain.closed).toBe(true);
    expect(commands(plain.actions)).toEqual([{ kind: "start", plan: "slew_scan" }]);

    const request =
      '{"type": "start", "plan": "slew_scan", "params": {"name": "slew_scan", ' +
      '"start_y": 50, "height": 100.5, "pitch": 20, "tags": ["a", null, false]}}';
    const withParams = ask(hub(), request);
    expect(withParams.frames).toEqual([
      '{"success": true, "status": "Signalling main thread to start a new scan", "params": ' +
        '{"name": "slew_scan", "start_y": 50, "height": 100.5, "pitch": 20, "tags": ["a", null, false]}}',
    ]);
    expect(commands(withParams.actions)).toEqual([
      {
        kind: "start",
        plan: "slew_scan",
        params: {
          name: "slew_scan",
          start_y: 50,
          height: 100.5,
          pitch: 20,
          tags: ["a", null, false],
        },
      },
    ]);
  });

  it("start refusals: no plan key, unknown plan, busy", () => {
    expect(ask(hub(), '{"type": "start"}').frames).toEqual([
      '{"success": false, "status": "You need to provide a \\"plan\\" key specifying which scan you want to start"}',
    ]);
    const unknown = ask(hub(), '{"type": "start", "plan": "nope"}');
    expect(unknown.frames).toEqual([
      '{"success": false, "status": "I don\'t recognise any scan function by the name \\"nope\\""}',
    ]);
    expect(commands(unknown.actions)).toEqual([]);
    const busy = ask(hub(PAUSED), '{"type": "start", "plan": "slew_scan"}');
    expect(busy.frames).toEqual([
      '{"success": false, "status": "Currently busy with \\"slew_scan\\" scan"}',
    ]);
    expect(busy.closed).toBe(true);
  });

  it("pause, stop, abort and halt answer once the engine has taken the command", () => {
    for (const kind of ["pause", "stop", "abort", "halt"] as const) {
      const h = hub(PAUSED);
      const { session, actions } = ask(h, `{"type": "${kind}"}`);
      expect(sent(actions)).toEqual([]);
      const [command] = actions.filter((a) => a.kind === "command");
      expect(command).toMatchObject({
        session,
        command: kind === "pause" ? { kind, defer: true } : { kind },
      });
      if (command?.kind !== "command") throw new Error("no command");
      const after = h.commandResult(command.id, { ok: true });
      expect(sent(after)).toEqual([`{"success": true, "status": "${kind} requested"}`]);
      expect(closed(after)).toBe(true);
    }
  });

  it("a command the engine refuses is answered with the exception's repr", () => {
    const h = hub();
    const { actions } = ask(h, '{"type": "pause"}');
    const [command] = actions.filter((a) => a.kind === "command");
    if (command?.kind !== "command") throw new Error("no command");
    const exception =
      "TransitionError('Cannot pause from idle state. Only running state can be paused.')";
    expect(sent(h.commandResult(command.id, { ok: false, exception }))).toEqual([
      '{"success": false, "status": "exception was raised", "exception": ' +
        `"TransitionError('Cannot pause from idle state. Only running state can be paused.')"}`,
    ]);
  });

  it("resume only from paused", () => {
    const idle = ask(hub(), '{"type": "resume"}');
    expect(idle.frames).toEqual([
      '{"success": false, "status": "cannot resume a runEngine that isn\'t paused"}',
    ]);
    expect(commands(idle.actions)).toEqual([]);
    expect(idle.closed).toBe(true);

    const h = hub(PAUSED);
    const paused = ask(h, '{"type": "resume"}');
    const [command] = paused.actions.filter((a) => a.kind === "command");
    if (command?.kind !== "command") throw new Error("no command");
    expect(command.command).toEqual({ kind: "resume" });
    expect(sent(h.commandResult(command.id, { ok: true }))).toEqual([
      '{"success": true, "status": "resume requested"}',
    ]);
  });

  it("state", () => {
    const reply = ask(hub(PAUSED), '{"type": "state"}');
    expect(reply.frames).toEqual([
      '{"type": "status", "about": "current state of the Bluesky RunEngine", "state": "paused"}',
    ]);
    expect(reply.closed).toBe(true);
  });

  it("subscribe: the snapshot, then one message per change, and the connection stays", () => {
    const h = hub();
    const { session, frames, closed: wasClosed } = ask(h, '{"type": "subscribe"}');
    expect(frames).toEqual([
      '{"bluesky_dispatcher_version": "0.1.0", "type": "status", "about": ' +
        '"run engine state updates", "state": "idle", "plan_name": null, "run_uid": null, ' +
        '"run_start_time": null}',
    ]);
    expect(wasClosed).toBe(false);
    const running = h.engineEvent({ kind: "state", oldState: "idle", ...PAUSED, state: "running" });
    expect(running).toEqual([
      {
        kind: "send",
        session,
        frame:
          '{"type": "status", "about": "run engine state updates", "state": "running", ' +
          '"old_state": "idle", "plan_name": "slew_scan", ' +
          '"run_uid": "0b9c5e4c-6d0f-4c38-9a39-2a5d8f1e7c11", ' +
          '"run_start_time": "2026-12-07T01:00:00+00:00"}',
      },
    ]);
    const failed = h.engineEvent({
      kind: "exception",
      planName: "slew_scan",
      error: "ZeroDivisionError('division by zero')",
    });
    expect(sent(failed)).toEqual([
      '{"type": "exception", "about": "exception raised during execution of supplied bluesky ' +
        'plan", "message": "supplied plan with name \\"slew_scan\\" raised exception\\n' +
        "ZeroDivisionError('division by zero')\"}",
    ]);
  });

  it("an unsupported type is refused and closed, keep_open or not", () => {
    for (const request of ['{"type": "dance", "keep_open": true}', "{}", "[]", "42"]) {
      const reply = ask(hub(), request);
      expect(reply.frames).toEqual(['{"success": false, "status": "Unsupported message type"}']);
      expect(reply.closed).toBe(true);
    }
  });

  it("bad JSON is refused and closed", () => {
    const reply = ask(hub(), "{'type': 'state', 'keep_open': True}");
    expect(reply.frames).toEqual([
      '{"success": false, "status": "Your message could not be properly decoded, is it valid json?"}',
    ]);
    expect(reply.actions.at(-1)).toEqual({
      kind: "close",
      session: reply.session,
      code: 1000,
      reason: "",
    });
  });
});
