import { afterEach, describe, expect, it } from "vitest";
import type { QueueHttpServer } from "../../../src/server/http/index.js";
import { createQueueHttpServer } from "../../../src/server/http/index.js";
import { tempStore } from "../queue/temp-store.js";
import type { SimManager } from "../support/sim-manager.js";
import { simManager } from "../support/sim-manager.js";
import type { Call } from "./http-harness.js";
import { caller } from "./http-harness.js";
import type { Message } from "./socket-feed.js";
import { SocketFeed } from "./socket-feed.js";

interface Status {
  manager_state: string;
  re_state: string | null;
  items_in_queue: number;
  items_in_history: number;
  running_item_uid: string | null;
  plan_queue_uid: string;
}

interface HistoryItem {
  item_uid: string;
  name: string;
  result: {
    exit_status: string;
    run_uids: string[];
    scan_ids: number[];
    time_start: number;
    time_stop: number;
  };
}

const count = (num: number) => ({
  item_type: "plan",
  name: "count",
  args: [["det"]],
  kwargs: { num },
});
const scan = { item_type: "plan", name: "scan", args: [["det"], "m1", -1, 1, 5] };
// Long enough in points that it is still running whatever the requests' latency.
const longCount = count(1_000_000);

async function serve(
  sim: SimManager,
): Promise<{ server: QueueHttpServer; call: Call; ws: string }> {
  const server = createQueueHttpServer({ store: sim.store, manager: sim.manager });
  const { host, port } = await server.listen(0);
  return { server, call: caller(host, port), ws: `ws://${host}:${port}` };
}

const statusOf = (message: Message) => message.status as Status;

describe("queue HTTP API driving the engine", () => {
  const temp = tempStore();
  const opened: Array<{ sim: SimManager; server: QueueHttpServer }> = [];
  afterEach(async () => {
    for (const { sim, server } of opened.splice(0)) {
      await server.close();
      sim.manager.close();
      await sim.environment.destroy();
    }
    temp.cleanup();
  });

  it("runs a queue through pause, resume and stop, with roles enforced, and keeps it across a restart", async () => {
    const sim = await simManager(temp);
    const { server, call, ws } = await serve(sim);
    opened.push({ sim, server });
    const user = sim.store.apiKeys.create({ principal: "ursula", scopes: [], role: "user" }).secret;
    const observer = sim.store.apiKeys.create({
      principal: "otto",
      scopes: [],
      role: "observer",
    }).secret;

    const feed = new SocketFeed(`${ws}/api/status/ws`, {
      headers: { authorization: `ApiKey ${observer}` },
    });
    await feed.opened();
    const snapshot = await feed.next();
    expect(snapshot).toMatchObject({ kind: "snapshot", status: { manager_state: "idle" } });
    const until = (test: (status: Status) => boolean) =>
      feed.next((m) => m.kind === "status" && test(statusOf(m)));

    // Until the environment has opened, no plan is known: an item is refused with the reason.
    const early = await call("POST", "/api/queue/item/add", { key: user, body: { item: scan } });
    expect(early.body).toMatchObject({ success: false });
    expect(early.body.msg).toMatch(/open the environment first/);

    // An observer may read but not open, add or start; nothing changes when it tries.
    const before = (await call("GET", "/api/status", { key: observer })).body;
    for (const path of ["/api/environment/open", "/api/queue/start"]) {
      const refused = await call("POST", path, { key: observer });
      expect(refused.status).toBe(403);
      expect(refused.body.msg).toMatch(/needs role 'user'/);
    }
    const refusedAdd = await call("POST", "/api/queue/item/add", {
      key: observer,
      body: { item: scan },
    });
    expect(refusedAdd.status).toBe(403);
    const after = (await call("GET", "/api/status", { key: observer })).body;
    expect(after).toMatchObject({
      plan_queue_uid: before.plan_queue_uid,
      items_in_queue: 0,
      worker_environment_exists: false,
    });

    expect((await call("POST", "/api/environment/open", { key: user })).body).toEqual({
      success: true,
      msg: "",
    });
    const allowed = await call("GET", "/api/plans/allowed", { key: observer });
    expect(Object.keys(allowed.body.plans_allowed as object)).toEqual(
      expect.arrayContaining(["count", "scan"]),
    );
    expect(allowed.body.plans_allowed_uid).toEqual(expect.any(String));

    // A batch with one unknown plan adds nothing; the good batch adds all three.
    const bad = await call("POST", "/api/queue/item/add/batch", {
      key: user,
      body: { items: [longCount, { item_type: "plan", name: "nope" }, scan] },
    });
    expect(bad.body.success).toBe(false);
    expect((bad.body.results as { success: boolean }[]).map((r) => r.success)).toEqual([
      true,
      false,
      true,
    ]);
    expect(sim.store.queue.size()).toBe(0);
    const added = await call("POST", "/api/queue/item/add/batch", {
      key: user,
      body: { items: [longCount, scan, count(2)] },
    });
    expect(added.body).toMatchObject({ success: true, qsize: 3 });
    const [first] = added.body.items as { item_uid: string }[];

    expect((await call("POST", "/api/queue/start", { key: user })).body.success).toBe(true);
    await until((s) => s.re_state === "running" && s.running_item_uid === first!.item_uid);

    const pause = () => call("POST", "/api/re/pause", { key: user, body: { option: "immediate" } });
    expect((await pause()).body.success).toBe(true);
    await until((s) => s.re_state === "paused" && s.manager_state === "paused");

    expect((await call("POST", "/api/re/resume", { key: user })).body.success).toBe(true);
    await until((s) => s.re_state === "running" && s.manager_state === "executing_queue");

    expect((await pause()).body.success).toBe(true);
    await until((s) => s.re_state === "paused");
    expect((await call("POST", "/api/re/stop", { key: user })).body.success).toBe(true);
    const stopped = statusOf(
      await until((s) => s.manager_state === "idle" && s.items_in_history === 1),
    );
    expect(stopped).toMatchObject({ running_item_uid: null, items_in_queue: 2 });

    const history = await call("GET", "/api/history/get", { key: observer });
    const [done] = history.body.items as HistoryItem[];
    expect(done).toMatchObject({ item_uid: first!.item_uid, name: "count" });
    expect(done!.result.exit_status).toBe("stopped");
    expect(done!.result.run_uids).toHaveLength(1);
    expect(done!.result.scan_ids).toEqual([expect.any(Number)]);
    expect(done!.result.time_stop).toBeGreaterThanOrEqual(done!.result.time_start);

    const runs = await call("GET", "/api/re/runs/closed", { key: observer });
    expect(runs.body.run_list).toEqual([
      expect.objectContaining({ uid: done!.result.run_uids[0], is_open: false }),
    ]);

    // Every status after the snapshot came once and in order.
    const seqs = feed.messages.map((m) => m.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    feed.close();

    const queueBefore = (await call("GET", "/api/queue/get", { key: observer })).body;
    const historyBefore = history.body;
    expect((await call("POST", "/api/environment/close", { key: user })).body.success).toBe(true);
    await server.close();
    sim.manager.close();
    sim.store.close();
    opened.splice(0);

    const again = await simManager(temp);
    const second = await serve(again);
    opened.push({ sim: again, server: second.server });
    expect((await second.call("GET", "/api/queue/get", { key: observer })).body).toEqual(
      queueBefore,
    );
    expect((await second.call("GET", "/api/history/get", { key: observer })).body).toEqual(
      historyBefore,
    );
    expect((await second.call("GET", "/api/status", { key: observer })).body).toMatchObject({
      items_in_queue: 2,
      items_in_history: 1,
      manager_state: "idle",
      worker_environment_exists: false,
    });
  });
});
