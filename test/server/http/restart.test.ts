import { afterEach, describe, expect, it } from "vitest";
import { tempStore } from "../queue/temp-store.js";
import { plan, startServer } from "./http-harness.js";

describe("queue HTTP API across a restart", () => {
  const temp = tempStore();
  afterEach(() => temp.cleanup());

  it("serves the same queue, history, lock, mode and keys after reopening the file", async () => {
    const first = await startServer({}, temp);
    const key = first.store.apiKeys.create({ principal: "eve", scopes: [], role: "expert" });
    const call = first.call;
    await call("POST", "/api/queue/item/add/batch", {
      key: key.secret,
      body: { items: [plan("done"), plan("a"), plan("b")] },
    });
    first.store.running.startNext();
    first.store.running.finish(
      { exit_status: "failed", msg: "motor stalled" },
      { pushBack: false },
    );
    await call("POST", "/api/queue/mode/set", {
      key: key.secret,
      body: { mode: { ignore_failures: true } },
    });
    await call("POST", "/api/lock", { key: key.secret, body: { lock_key: "k", queue: true } });
    const queueBefore = (await call("GET", "/api/queue/get", { key: key.secret })).body;
    const historyBefore = (await call("GET", "/api/history/get", { key: key.secret })).body;
    await first.stop();
    first.store.close();

    const second = await startServer({}, temp);
    try {
      const again = second.call;
      expect((await again("GET", "/api/queue/get", { key: key.secret })).body).toEqual(queueBefore);
      expect((await again("GET", "/api/history/get", { key: key.secret })).body).toEqual(
        historyBefore,
      );
      const status = (await again("GET", "/api/status", { key: key.secret })).body;
      expect(status).toMatchObject({
        items_in_queue: 2,
        items_in_history: 1,
        plan_queue_mode: { loop: false, ignore_failures: true },
        lock: { queue: true, environment: false },
        plan_queue_uid: queueBefore.plan_queue_uid,
      });
      const refused = await again("POST", "/api/queue/clear", { key: key.secret });
      expect(refused.body.success).toBe(false);
      const cleared = await again("POST", "/api/queue/clear", {
        key: key.secret,
        body: { lock_key: "k" },
      });
      expect(cleared.body.success).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
