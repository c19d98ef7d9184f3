import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QueueStore } from "../../../src/server/queue/index.js";
import type { Call } from "./http-harness.js";
import { plan, startServer } from "./http-harness.js";

describe("queue HTTP API and the lock", () => {
  let store: QueueStore;
  let call: Call;
  let stop: () => Promise<void>;
  let cleanup: () => void;
  let expert: string;
  let user: string;

  beforeEach(async () => {
    const started = await startServer();
    ({ store, call, stop } = started);
    cleanup = started.temp.cleanup;
    expert = store.apiKeys.create({ principal: "erin", scopes: [], role: "expert" }).secret;
    user = store.apiKeys.create({ principal: "ulf", scopes: [], role: "user" }).secret;
  });
  afterEach(async () => {
    await stop();
    cleanup();
  });

  it("refuses queue edits without the lock key, and allows them with it", async () => {
    await call("POST", "/api/queue/item/add", { key: user, body: { item: plan("first") } });
    const locked = await call("POST", "/api/lock", {
      key: expert,
      body: { lock_key: "secret", queue: true, note: "aligning" },
    });
    expect(locked.body).toMatchObject({
      success: true,
      lock_info: { queue: true, environment: false, user: "erin", note: "aligning" },
    });
    const before = store.queue.get();

    const edits: [string, unknown][] = [
      ["/api/queue/item/add", { item: plan("p") }],
      ["/api/queue/item/add/batch", { items: [plan("p")] }],
      ["/api/queue/item/remove", { pos: "front" }],
      ["/api/queue/item/move", { pos: 0, pos_dest: "back" }],
      ["/api/queue/clear", {}],
      ["/api/queue/mode/set", { mode: { loop: true } }],
      ["/api/history/clear", {}],
    ];
    for (const [path, body] of edits) {
      const answer = await call("POST", path, { key: user, body });
      expect(answer.status, path).toBe(200);
      expect(answer.body.success, path).toBe(false);
      expect(answer.body.msg, path).toMatch(/queue is locked by erin/);
      const wrong = await call("POST", path, {
        key: user,
        body: { ...(body as object), lock_key: "guess" },
      });
      expect(wrong.body.success, path).toBe(false);
    }
    expect(store.queue.get()).toEqual(before);
    expect(store.queue.mode().loop).toBe(false);

    // Reading is never locked; the environment is not locked, so autostart is allowed.
    expect((await call("GET", "/api/queue/get", { key: user })).body.success).toBe(true);
    const auto = await call("POST", "/api/queue/autostart", { key: user, body: { enable: true } });
    expect(auto.body.success).toBe(true);

    const added = await call("POST", "/api/queue/item/add", {
      key: user,
      body: { item: plan("p"), lock_key: "secret" },
    });
    expect(added.body).toMatchObject({ success: true, qsize: 2 });
  });

  it("reports the lock, checks a key, and unlocks with the right key only", async () => {
    await call("POST", "/api/lock", {
      key: expert,
      body: { lock_key: "secret", environment: true },
    });
    const info = await call("GET", "/api/lock/info", { key: user });
    expect(info.body).toMatchObject({
      success: true,
      lock_info: { environment: true, queue: false, user: "erin" },
    });
    expect(info.body.lock_info_uid).toEqual(expect.any(String));
    const checked = await call("GET", "/api/lock/info?lock_key=nope", { key: user });
    expect(checked.body).toMatchObject({ success: false, msg: expect.stringMatching(/wrong/) });

    const auto = await call("POST", "/api/queue/autostart", { key: user, body: { enable: true } });
    expect(auto.body).toMatchObject({ success: false });
    expect(auto.body.msg).toMatch(/environment is locked/);
    expect(store.queue.autostart()).toBe(false);

    const status = await call("GET", "/api/status", { key: user });
    expect(status.body.lock).toEqual({ environment: true, queue: false });

    const wrong = await call("POST", "/api/unlock", { key: expert, body: { lock_key: "nope" } });
    expect(wrong.body).toMatchObject({ success: false });
    const unlocked = await call("POST", "/api/unlock", {
      key: expert,
      body: { lock_key: "secret" },
    });
    expect(unlocked.body).toMatchObject({ success: true, lock_info: { environment: false } });
  });
});
