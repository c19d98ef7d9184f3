import { afterEach, describe, expect, it } from "vitest";
import type { DispatcherServer } from "../../../src/server/dispatcher/index.js";
import { pythonIsoTime, startDispatcherServer } from "../../../src/server/dispatcher/index.js";
import type { Message, SteppedManager } from "./socket-support.js";
import { Client, states, steppedManager } from "./socket-support.js";

const countParams = { detectors: ["det"], num: 3 };
const scanParams = { detectors: ["det"], motor: "m1", start: -1, stop: 1, num: 5 };

describe("the dispatcher's websocket server over the queue manager", () => {
  let sim: SteppedManager;
  let server: DispatcherServer;
  const clients: Client[] = [];

  async function setUp(): Promise<void> {
    sim = await steppedManager();
    server = await startDispatcherServer({
      manager: sim.manager,
      history: sim.store.history,
      port: 0,
    });
  }

  async function connect(): Promise<Client> {
    const client = await Client.connect(server.port);
    clients.push(client);
    return client;
  }

  async function subscriber(): Promise<Client> {
    const client = await connect();
    await client.request({ type: "subscribe", keep_open: true });
    return client;
  }

  /** Steps the virtual clock until `done()`; the sockets' traffic flows between steps. */
  async function stepUntil(done: () => boolean): Promise<void> {
    while (!done()) await sim.clock.advance(0.25);
  }

  const lastState = (client: Client) => states(client.messages).at(-1);
  const sawState = (client: Client, state: string, after = 1) =>
    states(client.messages).slice(after).includes(state);

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
    await sim?.cleanup();
  });

  it("runs a count one client started while a subscriber sees each state with the plan, run uid and start time", async () => {
    await setUp();
    const watcher = await subscriber();
    expect(watcher.messages[0]).toEqual({
      bluesky_dispatcher_version: "0.1.0",
      type: "status",
      about: "run engine state updates",
      state: "idle",
      plan_name: null,
      run_uid: null,
      run_start_time: null,
      seq: 0,
    });

    const starter = await connect();
    expect(await starter.request({ type: "start", plan: "count", params: countParams })).toEqual({
      success: true,
      status: "Signalling main thread to start a new scan",
      params: countParams,
    });
    expect((await starter.closed).code).toBe(1000);

    await stepUntil(() => sawState(watcher, "idle"));
    await sim.manager.idle();
    expect(states(watcher.messages)).toEqual(["idle", "running", "idle"]);
    const [done] = sim.store.history.get().items;
    expect(done!.name).toBe("count");
    expect(done!.kwargs).toEqual(countParams);
    expect(done!.result.exit_status).toBe("completed");
    const [, running, idle] = watcher.messages as [Message, Message, Message];
    expect(running).toMatchObject({ state: "running", old_state: "idle", plan_name: "count" });
    expect(idle).toMatchObject({
      state: "idle",
      old_state: "running",
      plan_name: "count",
      run_uid: done!.result.run_uids[0],
      seq: 2,
    });
    expect(idle.run_start_time).toMatch(/^2023-11-14T22:1\d:\d\d(\.\d{6})?\+00:00$/);

    // A later subscriber starts from where the last run left things.
    const late = await subscriber();
    expect(late.messages[0]).toMatchObject({
      state: "idle",
      plan_name: "count",
      run_uid: done!.result.run_uids[0],
      run_start_time: idle.run_start_time,
    });
  });

  it("pauses a scan at its next checkpoint and resumes it, every state reaching the subscriber in order", async () => {
    await setUp();
    const watcher = await subscriber();
    const control = await connect();
    const accepted = await control.request({
      type: "start",
      plan: "scan",
      params: scanParams,
      keep_open: true,
    });
    expect(accepted).toMatchObject({ success: true });
    await watcher.waitFor((m) => m.state === "running");

    expect(await control.request({ type: "pause", keep_open: true })).toEqual({
      success: true,
      status: "pause requested",
    });
    await stepUntil(() => lastState(watcher) === "paused");
    expect(await control.request({ type: "state", keep_open: true })).toEqual({
      type: "status",
      about: "current state of the Bluesky RunEngine",
      state: "paused",
    });
    expect(await control.request({ type: "resume", keep_open: true })).toEqual({
      success: true,
      status: "resume requested",
    });
    await stepUntil(() => lastState(watcher) === "idle");
    await sim.manager.idle();

    expect(states(watcher.messages)).toEqual([
      "idle",
      "running",
      "pausing",
      "paused",
      "running",
      "idle",
    ]);
    const events = watcher.messages.slice(1);
    expect(events.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.every((m) => m.plan_name === "scan")).toBe(true);
    const [done] = sim.store.history.get().items;
    expect(done!.result.exit_status).toBe("completed");
    expect(events.at(-1)!.run_uid).toBe(done!.result.run_uids[0]);
    // Every state after the start document carries its run's uid.
    expect(events.slice(1).every((m) => m.run_uid === done!.result.run_uids[0])).toBe(true);
  });

  it("refuses a second start while a plan runs, naming the running plan", async () => {
    await setUp();
    const watcher = await subscriber();
    const first = await connect();
    await first.request({ type: "start", plan: "scan", params: scanParams });
    await watcher.waitFor((m) => m.state === "running");

    const second = await connect();
    expect(await second.request({ type: "start", plan: "count", params: countParams })).toEqual({
      success: false,
      status: 'Currently busy with "scan" scan',
    });
    expect((await second.closed).code).toBe(1000);

    await stepUntil(() => lastState(watcher) === "idle");
    await sim.manager.idle();
    expect(sim.store.history.get().items.map((h) => h.name)).toEqual(["scan"]);
  });

  it("refuses an unknown plan and closes a one-shot connection", async () => {
    await setUp();
    const client = await connect();
    expect(await client.request({ type: "start", plan: "nope" })).toEqual({
      success: false,
      status: `I don't recognise any scan function by the name "nope"`,
    });
    expect((await client.closed).code).toBe(1000);
  });

  it("answers a frame that is not JSON with the original's bytes, then closes even with keep_open", async () => {
    await setUp();
    const client = await connect();
    client.send('{"type": "state", "keep_open": true');
    const { code } = await client.closed;
    expect(client.raw).toEqual([
      '{"success": false, "status": "Your message could not be properly decoded, is it valid json?"}',
    ]);
    expect(code).toBe(1000);
  });

  it("answers a stop when no plan runs with the manager's error as a Python repr", async () => {
    await setUp();
    const client = await connect();
    expect(await client.request({ type: "stop" })).toEqual({
      success: false,
      status: "exception was raised",
      exception: "QueueError('no plan is running')",
    });
  });

  it("reports a plan the manager refuses as an exception event, then takes the next start", async () => {
    await setUp();
    const watcher = await subscriber();
    const client = await connect();
    await client.request({ type: "start", plan: "count", params: { detectors: ["nope"] } });
    const exception = await watcher.waitFor((m) => m.type === "exception");
    expect(exception.about).toBe("exception raised during execution of supplied bluesky plan");
    expect(String(exception.message)).toMatch(
      /^supplied plan with name "count" raised exception\nQueueError\(.*nope/s,
    );

    const again = await connect();
    expect(
      await again.request({ type: "start", plan: "count", params: countParams }),
    ).toMatchObject({ success: true });
    await stepUntil(() => sawState(watcher, "idle"));
  });

  it("reports a plan that fails while it runs with the failure text the history records", async () => {
    await setUp();
    const watcher = await subscriber();
    const client = await connect();
    await client.request({ type: "start", plan: "scan", params: { ...scanParams, stop: 50 } });
    await stepUntil(() => watcher.messages.some((m) => m.type === "exception"));
    await sim.manager.idle();
    const [done] = sim.store.history.get().items;
    expect(done!.result.exit_status).toBe("failed");
    const exception = watcher.messages.find((m) => m.type === "exception")!;
    expect(exception.message).toBe(
      `supplied plan with name "scan" raised exception\n${done!.result.msg}`,
    );
    // The exception follows the run's last state, as the original's does.
    expect(states(watcher.messages).at(-1)).toBe("idle");
    expect(watcher.messages.at(-1)).toBe(exception);
  });
});

describe("pythonIsoTime", () => {
  it("writes a start document's time as Python's isoformat in UTC", () => {
    expect(pythonIsoTime(1_700_000_000)).toBe("2023-11-14T22:13:20+00:00");
    expect(pythonIsoTime(1_700_000_000.25)).toBe("2023-11-14T22:13:20.250000+00:00");
  });
});
