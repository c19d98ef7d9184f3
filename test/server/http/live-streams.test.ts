import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { buildDevices, loadConfig } from "../../../src/config/index.js";
import { builtinPlans } from "../../../src/plans/index.js";
import type { QueueHttpServer } from "../../../src/server/http/index.js";
import { createQueueHttpServer } from "../../../src/server/http/index.js";
import {
  InProcessEnvironment,
  QueueManager,
  catalogPlanSource,
} from "../../../src/server/manager/index.js";
import type { QueueStore } from "../../../src/server/queue/index.js";
import { root } from "../../cli/run-hil.js";
import { tempStore } from "../queue/temp-store.js";
import type { Call } from "./http-harness.js";
import { caller } from "./http-harness.js";
import { SocketFeed } from "./socket-feed.js";

// The simulated beamline, with an environment that tells the console what it built.
function consoleSimManager(store: QueueStore): {
  manager: QueueManager;
  environment: InProcessEnvironment;
} {
  const clock = new VirtualClock({ start: 1_700_000_000 });
  const environment = new InProcessEnvironment(async (console) => {
    console("loading config/sim-beamline.yaml");
    const config = await loadConfig(join(root, "config/sim-beamline.yaml"), {});
    const beamline = await buildDevices(config, { clock });
    console(`built ${beamline.devices.size} devices`);
    return {
      plans: catalogPlanSource(builtinPlans, beamline),
      clock,
      md: beamline.metadata,
      close: () => beamline.close(),
    };
  });
  return { manager: new QueueManager({ store, environment }), environment };
}

describe("queue HTTP API pushes and engine reads", () => {
  let temp: ReturnType<typeof tempStore> | undefined;
  let server: QueueHttpServer | undefined;
  let teardown: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await server?.close();
    await teardown?.();
    temp?.cleanup();
    server = undefined;
    teardown = undefined;
  });

  async function start(): Promise<{ call: Call; ws: string; user: string; expert: string }> {
    temp = tempStore();
    const store = temp.open();
    const { manager, environment } = consoleSimManager(store);
    teardown = async () => {
      manager.close();
      await environment.destroy();
    };
    server = createQueueHttpServer({ store, manager });
    const { host, port } = await server.listen(0);
    const key = (role: string) =>
      store.apiKeys.create({ principal: role, scopes: [], role }).secret;
    return {
      call: caller(host, port),
      ws: `ws://${host}:${port}`,
      user: key("user"),
      expert: key("expert"),
    };
  }

  it("streams console lines and the documents of an executed plan, and lists its runs", async () => {
    const { call, ws, user } = await start();
    const consoleFeed = new SocketFeed(`${ws}/api/console/ws?api_key=${user}`);
    const documents = new SocketFeed(`${ws}/api/documents/ws?mode=lossless&api_key=${user}`);
    await Promise.all([consoleFeed.opened(), documents.opened()]);

    expect((await call("POST", "/api/environment/open", { key: user })).body.success).toBe(true);
    const first = await consoleFeed.next();
    const second = await consoleFeed.next();
    expect(first).toEqual({
      seq: 1,
      time: expect.any(Number),
      msg: "loading config/sim-beamline.yaml",
    });
    expect(second).toMatchObject({ seq: 2, msg: expect.stringMatching(/^built \d+ devices$/) });
    const text = await call("GET", "/api/console_output?nlines=1", { key: user });
    expect(text.body).toEqual({ success: true, msg: "", text: `${second.msg as string}\n` });

    const executed = await call("POST", "/api/queue/item/execute", {
      key: user,
      body: { item: { item_type: "plan", name: "count", args: [["det"]], kwargs: { num: 3 } } },
    });
    expect(executed.body).toMatchObject({ success: true, qsize: 0, item: { name: "count" } });
    const stop = await documents.next((m) => m.name === "stop");
    const names = documents.messages.map((m) => m.name);
    expect(names[0]).toBe("start");
    expect(names.filter((n) => n === "event")).toHaveLength(3);
    expect(names.at(-1)).toBe("stop");
    const seqs = documents.messages.map((m) => m.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const runUid = (documents.messages[0]!.doc as { uid: string }).uid;
    expect((stop.doc as { run_start: string }).run_start).toBe(runUid);

    const runs = await call("GET", "/api/re/runs?option=closed", { key: user });
    expect(runs.body).toMatchObject({
      success: true,
      run_list: [{ uid: runUid, is_open: false, exit_status: "success" }],
      run_list_uid: expect.any(String),
    });
    expect((await call("GET", "/api/re/runs/open", { key: user })).body.run_list).toEqual([]);
    const status = (await call("GET", "/api/status", { key: user })).body;
    expect(status.run_list_uid).toBe(runs.body.run_list_uid);
    consoleFeed.close();
    documents.close();
  });

  it("describes plans and devices once the environment is open, and says so before", async () => {
    const { call, user } = await start();
    const early = await call("GET", "/api/devices/allowed", { key: user });
    expect(early.body).toMatchObject({
      success: false,
      msg: expect.stringMatching(/open the environment/),
    });
    await call("POST", "/api/environment/open", { key: user });
    const devices = await call("GET", "/api/devices/allowed", { key: user });
    expect(Object.keys(devices.body.devices_allowed as object)).toEqual(
      expect.arrayContaining(["det", "m1"]),
    );
    const status = (await call("GET", "/api/status", { key: user })).body;
    expect(devices.body.devices_allowed_uid).toBe(status.devices_allowed_uid);
    const existing = await call("GET", "/api/plans/existing", { key: user });
    expect(Object.keys(existing.body.plans_existing as object)).toEqual(
      expect.arrayContaining(["count", "scan"]),
    );
    expect(existing.body.plans_existing_uid).toEqual(expect.any(String));
  });

  it("keeps the environment behind its lock", async () => {
    const { call, user, expert } = await start();
    await call("POST", "/api/lock", {
      key: expert,
      body: { lock_key: "beamtime", environment: true },
    });
    const refused = await call("POST", "/api/environment/open", { key: user });
    expect(refused.body).toMatchObject({ success: false, msg: expect.stringMatching(/lock/i) });
    const status = (await call("GET", "/api/status", { key: user })).body;
    expect(status.worker_environment_exists).toBe(false);
    const opened = await call("POST", "/api/environment/open", {
      key: user,
      body: { lock_key: "beamtime" },
    });
    expect(opened.body.success).toBe(true);
    const autostart = await call("POST", "/api/queue/autostart", {
      key: user,
      body: { enable: true },
    });
    expect(autostart.body.success).toBe(false);
    const pause = await call("POST", "/api/re/pause", { key: user, body: {} });
    expect(pause.body).toMatchObject({ success: false, msg: expect.stringMatching(/lock/i) });
    // With the key, the manager itself answers: nothing runs.
    const noPlan = await call("POST", "/api/re/pause", {
      key: user,
      body: { lock_key: "beamtime" },
    });
    expect(noPlan.body).toEqual({ success: false, msg: "no plan is running" });
  });
});
