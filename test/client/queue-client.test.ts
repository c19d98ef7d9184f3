import { afterEach, describe, expect, it } from "vitest";
import type { SocketMessage } from "../../src/client/index.js";
import { QueueClient, QueueClientError } from "../../src/client/index.js";
import type { ClientHarness } from "./client-harness.js";
import { runQueue, startQueueServer } from "./client-harness.js";

const countDet = { item_type: "plan" as const, name: "count", args: [["det"]], kwargs: { num: 3 } };
const scanM1 = { item_type: "plan" as const, name: "scan", args: [["det"], "m1", -1, 1, 5] };

/** The QueueClientError a call fails with. */
async function refusal(call: Promise<unknown>): Promise<QueueClientError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueueClientError);
  return error as QueueClientError;
}

describe("QueueClient against the queue server on loopback", () => {
  const key = "client-test-key";
  let harness: ClientHarness;
  let client: QueueClient;
  afterEach(async () => harness.stop());

  async function start(): Promise<void> {
    harness = await startQueueServer({ apiKey: key });
    // Items are checked against the plans of an open environment.
    await harness.sim.manager.openEnvironment();
    client = new QueueClient({ url: harness.url, apiKey: key });
  }

  it("reads the status of an idle server with an empty queue", async () => {
    await start();
    const status = await client.status();
    expect(status).toMatchObject({
      success: true,
      items_in_queue: 0,
      items_in_history: 0,
      running_item_uid: null,
      manager_state: "idle",
      plan_queue_mode: { loop: false, ignore_failures: false },
      lock: { environment: false, queue: false },
    });
    const queue = await client.queueGet();
    expect(queue.items).toEqual([]);
    expect(queue.running_item).toBeNull();
  });

  it("adds items where asked, in a batch, and tells where each one is", async () => {
    await start();
    const first = await client.add(countDet);
    expect(first.qsize).toBe(1);
    expect(first.item).toMatchObject({ name: "count", args: [["det"]], kwargs: { num: 3 } });
    const front = await client.add(scanM1, { pos: "front" });
    expect(front.qsize).toBe(2);
    const batch = await client.addBatch([countDet, countDet], { after_uid: front.item.item_uid });
    expect(batch.results).toEqual([
      { success: true, msg: "" },
      { success: true, msg: "" },
    ]);
    expect(batch.qsize).toBe(4);

    const queue = await client.queueGet();
    expect(queue.items.map((i) => i.item_uid)).toEqual([
      front.item.item_uid,
      ...batch.items.map((i) => i.item_uid),
      first.item.item_uid,
    ]);
    const where = await client.itemStatus(first.item.item_uid);
    expect(where).toMatchObject({ status: "queued", position: 3 });
    expect((await client.itemGet({ pos: 0 })).item.name).toBe("scan");

    const moved = await client.move({ uid: first.item.item_uid }, { pos_dest: "front" });
    expect(moved.item.item_uid).toBe(first.item.item_uid);
    expect((await client.itemStatus(first.item.item_uid)).status).toBe("queued");
    const updated = await client.update({ ...first.item, kwargs: { num: 5 } });
    expect(updated.item.kwargs).toEqual({ num: 5 });
    const removed = await client.remove({ pos: "back" });
    expect(removed.qsize).toBe(3);
    await client.clear();
    expect((await client.status()).items_in_queue).toBe(0);
    expect((await client.itemStatus("no-such-uid")).status).toBe("unknown_uid");
  });

  it("reads the history of plans the manager ran, and the finished item's status", async () => {
    await start();
    const a = await client.add(countDet);
    const b = await client.add(scanM1);
    await runQueue(harness.sim);
    const history = await client.historyGet();
    expect(history.items.map((h) => [h.item_uid, h.name, h.result.exit_status])).toEqual([
      [a.item.item_uid, "count", "completed"],
      [b.item.item_uid, "scan", "completed"],
    ]);
    expect(history.items[0]!.result.run_uids).toHaveLength(1);
    const status = await client.itemStatus(b.item.item_uid);
    expect(status.status).toBe("completed");
    if (status.status === "completed") expect(status.item.result.run_uids).toHaveLength(1);
    expect((await client.status()).items_in_history).toBe(2);
    await client.historyClear();
    expect((await client.historyGet()).items).toEqual([]);
  });

  it("turns a refusal into a QueueClientError with the server's msg and status code", async () => {
    await start();
    const unknown = await refusal(client.remove({ uid: "no-such-uid" }));
    expect(unknown.status).toBe(200);
    expect(unknown.message).toMatch(/no-such-uid/);

    const anonymous = await refusal(new QueueClient({ url: harness.url }).status());
    expect(anonymous.status).toBe(401);
    expect(anonymous.message).toMatch(/not authenticated/);

    const wrongKey = await refusal(new QueueClient({ url: harness.url, apiKey: "nope" }).status());
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.message).toMatch(/invalid, revoked or expired API key/);

    const observerKey = harness.sim.store.apiKeys.create({
      principal: "olga",
      scopes: [],
      role: "observer",
    }).secret;
    const observer = new QueueClient({ url: harness.url, token: observerKey });
    expect((await observer.status()).success).toBe(true);
    const forbidden = await refusal(observer.add(countDet));
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toMatch(/olga has role 'observer'/);

    const bad = await refusal(client.add({ item_type: "plan", name: "" }));
    expect(bad.status).toBe(422);
    expect(bad.message).toMatch(/^bad request/);
    expect((await client.status()).items_in_queue).toBe(0);
  });

  it("refuses a whole batch with one bad item and hands back the per-item results", async () => {
    await start();
    const error = await refusal(
      client.addBatch([countDet, { item_type: "plan" } as never, scanM1]),
    );
    expect(error.status).toBe(200);
    expect(error.message).toMatch(/1 of 3 items were refused; none was added/);
    const reply = error.reply as { results: { success: boolean }[] };
    expect(reply.results.map((r) => r.success)).toEqual([true, false, true]);
    expect((await client.status()).items_in_queue).toBe(0);
  });

  it("sends its lock key with every edit once it holds the lock", async () => {
    await start();
    await client.lock({ lock_key: "k1", queue: true, note: "alignment" });
    const locked = await refusal(client.add(countDet));
    expect(locked.message).toMatch(/the queue is locked/);
    const holder = new QueueClient({ url: harness.url, apiKey: key, lockKey: "k1" });
    expect((await holder.add(countDet)).qsize).toBe(1);
    const info = await client.lockInfo();
    expect(info.lock_info).toMatchObject({ queue: true, environment: false, note: "alignment" });
    await holder.unlock("k1");
    expect((await client.lockInfo()).lock_info.queue).toBe(false);
  });

  it("names the address it cannot reach", async () => {
    await start();
    const url = harness.url;
    await harness.stop();
    const error = await refusal(new QueueClient({ url, apiKey: key }).status());
    expect(error.status).toBeUndefined();
    expect(error.message).toContain(`cannot reach ${url}`);
    harness = await startQueueServer();
  });

  it("rejects a websocket the server does not serve with its status code", async () => {
    await start();
    const error = await refusal(client.watch("/api/no/such/ws", () => undefined));
    expect(error.status).toBe(404);
    expect(error.message).toContain("/api/no/such/ws");
  });

  it("watches /api/status/ws: numbered messages in order, one telling of an added item", async () => {
    await start();
    const messages: SocketMessage[] = [];
    let heard: (() => void) | undefined;
    const added = new Promise<void>((resolve) => (heard = resolve));
    const watch = await client.watch("/api/status/ws", (message) => {
      messages.push(message);
      if (JSON.stringify(message).includes('"items_in_queue":1')) heard?.();
    });
    await client.add(countDet);
    await added;
    await watch.close();
    const seqs = messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const anonymous = await refusal(
      new QueueClient({ url: harness.url }).watch("/api/status/ws", () => undefined),
    );
    expect(anonymous.status).toBe(401);
  });

  it("opens the environment, lists plans, runs the queue and executes an item through the engine routes", async () => {
    harness = await startQueueServer({ apiKey: key });
    client = new QueueClient({ url: harness.url, apiKey: key });
    const before = await refusal(client.plansAllowed());
    expect(before.message).toMatch(/open the environment first/);
    await client.environmentOpen();
    expect((await client.status()).worker_environment_state).toBe("idle");
    expect(Object.keys((await client.plansAllowed()).plans_allowed)).toContain("count");
    expect((await client.devicesAllowed()).success).toBe(true);

    const unknown = await refusal(client.add({ item_type: "plan", name: "nope" }));
    expect(unknown.status).toBe(200);
    const paused = await refusal(client.pause("immediate"));
    expect(paused.message).toMatch(/no plan is running/);

    const queued = await client.add(countDet);
    await client.start();
    await harness.sim.manager.idle();
    expect((await client.itemStatus(queued.item.item_uid)).status).toBe("completed");

    const executed = await client.execute(scanM1);
    expect(executed.item?.name).toBe("scan");
    await harness.sim.manager.idle();
    const history = await client.historyGet();
    expect(history.items.map((h) => h.name)).toEqual(["count", "scan"]);
    expect((await client.status()).items_in_queue).toBe(0);
    await client.environmentClose();
    expect((await client.status()).worker_environment_state).toBe("closed");
  });
});
