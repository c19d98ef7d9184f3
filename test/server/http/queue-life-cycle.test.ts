import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QueueStore } from "../../../src/server/queue/index.js";
import type { Call } from "./http-harness.js";
import { plan, startServer } from "./http-harness.js";

describe("queue HTTP API without an engine", () => {
  let store: QueueStore;
  let call: Call;
  let stop: () => Promise<void>;
  let cleanup: () => void;
  let key: string;

  beforeEach(async () => {
    const started = await startServer();
    ({ store, call, stop } = started);
    cleanup = started.temp.cleanup;
    key = store.apiKeys.create({ principal: "alice", scopes: [], role: "user" }).secret;
  });
  afterEach(async () => {
    await stop();
    cleanup();
  });

  const uids = async (): Promise<string[]> => {
    const { body } = await call("GET", "/api/queue/get", { key });
    return (body.items as { item_uid: string }[]).map((item) => item.item_uid);
  };

  it("reports an idle manager and an empty queue", async () => {
    const { status, body } = await call("GET", "/api/status", { key });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      success: true,
      manager_state: "idle",
      re_state: null, // no environment: the queue server says None
      items_in_queue: 0,
      items_in_history: 0,
      running_item_uid: null,
      queue_autostart_enabled: false,
      plan_queue_mode: { loop: false, ignore_failures: false },
      lock: { environment: false, queue: false },
    });
    expect(body.plan_queue_uid).toEqual(expect.any(String));
    expect(body.plan_history_uid).toEqual(expect.any(String));
    const queue = await call("GET", "/api/queue/get", { key });
    expect(queue.body).toMatchObject({ success: true, msg: "", items: [], running_item: {} });
  });

  it("adds a batch atomically: one bad item and nothing is added", async () => {
    const before = store.queue.planQueueUid;
    const bad = await call("POST", "/api/queue/item/add/batch", {
      key,
      body: { items: [plan("count"), { item_type: "plan" }, plan("scan")] },
    });
    expect(bad.status).toBe(200);
    expect(bad.body.success).toBe(false);
    expect(bad.body.msg).toMatch(/1 of 3 items were refused; none was added/);
    const results = bad.body.results as { success: boolean; msg: string }[];
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    expect(results[1]!.msg).toMatch(/name/);
    expect(await uids()).toEqual([]);
    expect(store.queue.planQueueUid).toBe(before);

    const good = await call("POST", "/api/queue/item/add/batch", {
      key,
      body: { items: [plan("a"), plan("b"), plan("c")] },
    });
    expect(good.body).toMatchObject({ success: true, msg: "", qsize: 3 });
    const added = good.body.items as { item_uid: string; name: string; user: string }[];
    expect(added.map((i) => i.name)).toEqual(["a", "b", "c"]);
    expect(added[0]!.user).toBe("alice");
    expect(await uids()).toEqual(added.map((i) => i.item_uid));
  });

  it("adds, gets, updates, moves and removes items", async () => {
    const add = (body: unknown) => call("POST", "/api/queue/item/add", { key, body });
    const a = (await add({ item: plan("a") })).body.item as { item_uid: string };
    const b = (await add({ item: plan("b") })).body.item as { item_uid: string };
    const front = await add({ item: plan("f"), pos: "front" });
    expect(front.body).toMatchObject({ success: true, qsize: 3 });
    const f = front.body.item as { item_uid: string };
    const after = await add({ item: { ...plan("x"), junk: 1 }, after_uid: a.item_uid });
    const x = after.body.item as { item_uid: string };
    expect(after.body.item).not.toHaveProperty("junk");
    expect(await uids()).toEqual([f.item_uid, a.item_uid, x.item_uid, b.item_uid]);

    const got = await call("POST", "/api/queue/item/get", { key, body: { pos: 1 } });
    expect(got.body).toMatchObject({ success: true, item: { name: "a" } });
    const missing = await call("POST", "/api/queue/item/get", { key, body: { uid: "nope" } });
    expect(missing.body).toMatchObject({ success: false, msg: expect.stringMatching(/nope/) });

    const updated = await call("POST", "/api/queue/item/update", {
      key,
      body: { item: { ...plan("a2", [1]), item_uid: a.item_uid } },
    });
    expect(updated.body).toMatchObject({
      success: true,
      item: { name: "a2", args: [1], item_uid: a.item_uid },
    });

    const moved = await call("POST", "/api/queue/item/move", {
      key,
      body: { uid: b.item_uid, pos_dest: "front" },
    });
    expect(moved.body).toMatchObject({ success: true, qsize: 4, item: { name: "b" } });
    expect(await uids()).toEqual([b.item_uid, f.item_uid, a.item_uid, x.item_uid]);

    const batch = await call("POST", "/api/queue/item/move/batch", {
      key,
      body: { uids: [x.item_uid, f.item_uid], pos_dest: "front" },
    });
    expect(batch.body).toMatchObject({ success: true, qsize: 4 });
    expect(await uids()).toEqual([x.item_uid, f.item_uid, b.item_uid, a.item_uid]);

    const status = await call("POST", "/api/queue/item/status", { key, body: { uid: b.item_uid } });
    expect(status.body).toMatchObject({ success: true, status: "queued", position: 2 });

    const removed = await call("POST", "/api/queue/item/remove", { key, body: { pos: "back" } });
    expect(removed.body).toMatchObject({ success: true, qsize: 3, item: { name: "a2" } });
    const removedBatch = await call("POST", "/api/queue/item/remove/batch", {
      key,
      body: { uids: [x.item_uid, f.item_uid] },
    });
    expect(removedBatch.body).toMatchObject({ success: true, qsize: 1 });
    expect(await uids()).toEqual([b.item_uid]);

    expect((await call("POST", "/api/queue/clear", { key })).body).toEqual({
      success: true,
      msg: "",
    });
    expect(await uids()).toEqual([]);
  });

  it("sets the mode and autostart", async () => {
    const mode = await call("POST", "/api/queue/mode/set", { key, body: { mode: { loop: true } } });
    expect(mode.body).toMatchObject({ success: true });
    const auto = await call("POST", "/api/queue/autostart", { key, body: { enable: true } });
    expect(auto.body).toMatchObject({ success: true });
    const { body } = await call("GET", "/api/status", { key });
    expect(body).toMatchObject({
      plan_queue_mode: { loop: true, ignore_failures: false },
      queue_autostart_enabled: true,
    });
    await call("POST", "/api/queue/mode/set", { key, body: { mode: "default" } });
    expect(store.queue.mode()).toEqual({ loop: false, ignore_failures: false });
  });

  it("serves and trims the history of items finished by the store", async () => {
    await call("POST", "/api/queue/item/add/batch", {
      key,
      body: { items: [plan("one"), plan("two"), plan("three")] },
    });
    const finished: string[] = [];
    for (let i = 0; i < 3; i++) {
      finished.push(store.running.startNext()!.item.item_uid);
      store.running.finish({ exit_status: "completed", run_uids: [`run${i}`] });
    }
    const history = await call("GET", "/api/history/get", { key });
    expect(history.body.success).toBe(true);
    const items = history.body.items as { item_uid: string; result: { exit_status: string } }[];
    expect(items.map((i) => i.item_uid)).toEqual(finished);
    expect(items[0]!.result.exit_status).toBe("completed");
    const status = await call("GET", "/api/status", { key });
    expect(status.body).toMatchObject({ items_in_history: 3, items_in_queue: 0 });
    expect(status.body.plan_history_uid).toBe(history.body.plan_history_uid);

    const itemStatus = await call("POST", "/api/queue/item/status", {
      key,
      body: { uid: finished[1] },
    });
    expect(itemStatus.body).toMatchObject({ success: true, status: "completed" });

    expect((await call("POST", "/api/history/clear", { key, body: { size: 1 } })).body).toEqual({
      success: true,
      msg: "",
    });
    expect(store.history.get().items.map((i) => i.item_uid)).toEqual([finished[2]]);
    await call("POST", "/api/history/clear", { key });
    expect(store.history.size()).toBe(0);
  });

  it("answers a bad body with 422 and a reason, changing nothing", async () => {
    await call("POST", "/api/queue/item/add", { key, body: { item: plan("keep") } });
    const before = { queue: store.queue.get(), mode: store.queue.mode() };
    const bad: [string, { body?: unknown; raw?: string }, RegExp][] = [
      ["/api/queue/item/add", { body: {} }, /item/],
      ["/api/queue/item/add", { body: { item: plan("p"), pos: "middle" } }, /pos/],
      ["/api/queue/item/add", { raw: "{not json" }, /JSON/i],
      ["/api/queue/item/add/batch", { body: { items: "all" } }, /items/],
      ["/api/queue/item/remove/batch", { body: { uids: [3] } }, /uids/],
      ["/api/queue/mode/set", { body: { mode: { loop: "yes" } } }, /mode/],
      ["/api/queue/autostart", { body: {} }, /enable/],
      ["/api/history/clear", { body: { size: -1 } }, /size/],
    ];
    for (const [path, options, reason] of bad) {
      const answer = await call("POST", path, { key, ...options });
      expect(answer.status, path).toBe(422);
      expect(answer.body.success).toBe(false);
      expect(answer.body.msg).toMatch(reason);
    }
    expect(store.queue.get()).toEqual(before.queue);
    expect(store.queue.mode()).toEqual(before.mode);
  });

  it("answers an unknown route with 404 and success false", async () => {
    const answer = await call("GET", "/api/queue/nothing", { key });
    expect(answer).toMatchObject({ status: 404, body: { success: false } });
  });
});
