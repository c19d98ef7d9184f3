import { afterEach, describe, expect, it } from "vitest";
import { singleUserApiKey } from "../../../src/server/http/index.js";
import type { QueueStore } from "../../../src/server/queue/index.js";
import type { Call } from "./http-harness.js";
import { plan, startServer } from "./http-harness.js";

describe("queue HTTP API authentication and roles", () => {
  let stop: (() => Promise<void>) | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await stop?.();
    cleanup?.();
  });

  async function start(options: Parameters<typeof startServer>[0] = {}): Promise<{
    store: QueueStore;
    call: Call;
    keys: Record<"observer" | "user" | "expert" | "admin" | "none", string>;
  }> {
    const started = await startServer(options);
    ({ stop } = started);
    cleanup = started.temp.cleanup;
    const key = (role?: string) =>
      started.store.apiKeys.create({ principal: role ?? "nobody", scopes: [], role }).secret;
    const keys = {
      observer: key("observer"),
      user: key("user"),
      expert: key("expert"),
      admin: key("admin"),
      none: key(),
    };
    return { store: started.store, call: started.call, keys };
  }

  it("refuses requests without a key or with a bad one (401), changing nothing", async () => {
    const { store, call } = await start();
    const body = { item: plan("p") };
    for (const options of [
      { body },
      { body, key: "not-a-key" },
      { body, authorization: "Basic abc" },
    ]) {
      const answer = await call("POST", "/api/queue/item/add", options);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ success: false, msg: expect.any(String) });
      expect(answer.body.msg).not.toBe("");
    }
    expect((await call("GET", "/api/status")).status).toBe(401);
    expect(store.queue.size()).toBe(0);
  });

  it("lets an observer read but not add (403 naming the role needed)", async () => {
    const { store, call, keys } = await start();
    expect((await call("GET", "/api/queue/get", { key: keys.observer })).body.success).toBe(true);
    const answer = await call("POST", "/api/queue/item/add", {
      key: keys.observer,
      body: { item: plan("p") },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ success: false });
    expect(answer.body.msg).toMatch(/needs role 'user'.*role 'observer'/);
    expect(store.queue.size()).toBe(0);
    // A bad body from a caller who may not edit is still a 403: nothing is read first.
    const bad = await call("POST", "/api/queue/item/add", { key: keys.observer, raw: "{" });
    expect(bad.status).toBe(403);
  });

  it("accepts Bearer as well as ApiKey, and refuses a key without a role", async () => {
    const { call, keys } = await start();
    const bearer = await call("GET", "/api/status", { authorization: `Bearer ${keys.user}` });
    expect(bearer.status).toBe(200);
    const roleless = await call("GET", "/api/status", { key: keys.none });
    expect(roleless.status).toBe(403);
    expect(roleless.body.msg).toMatch(/no role/);
  });

  it("keeps the lock for experts and API keys for admins", async () => {
    const { store, call, keys } = await start();
    const lock = { lock_key: "k", queue: true };
    expect((await call("POST", "/api/lock", { key: keys.user, body: lock })).status).toBe(403);
    expect(store.lock.info().queue).toBe(false);
    const locked = await call("POST", "/api/lock", { key: keys.expert, body: lock });
    expect(locked.body).toMatchObject({
      success: true,
      lock_info: { queue: true, user: "expert" },
    });

    const create = { principal: "carol", role: "user", note: "beamtime" };
    const refused = await call("POST", "/api/auth/apikey", { key: keys.expert, body: create });
    expect(refused.status).toBe(403);
    const created = await call("POST", "/api/auth/apikey", { key: keys.admin, body: create });
    expect(created.body).toMatchObject({ success: true, principal: "carol", role: "user" });
    const secret = created.body.secret as string;
    expect((await call("GET", "/api/queue/get", { key: secret })).status).toBe(200);
    const revoked = await call("DELETE", `/api/auth/apikey?first_eight=${secret.slice(0, 8)}`, {
      key: keys.admin,
    });
    expect(revoked.body).toMatchObject({ success: true, revoked: 1 });
    expect((await call("GET", "/api/queue/get", { key: secret })).status).toBe(401);
  });

  it("reads anonymously only when allowed, and never edits anonymously", async () => {
    const { call, keys } = await start({ allowAnonymousRead: true });
    expect((await call("GET", "/api/status")).status).toBe(200);
    expect((await call("GET", "/api/history/get")).body.success).toBe(true);
    const add = await call("POST", "/api/queue/item/add", { body: { item: plan("p") } });
    expect(add.status).toBe(403);
    // A key that is given must be good, even where anonymous reading is allowed.
    expect((await call("GET", "/api/status", { key: "wrong" })).status).toBe(401);
    expect((await call("GET", "/api/status", { key: keys.observer })).status).toBe(200);
  });

  it("runs in single-user mode with one key from HIL_API_KEY", async () => {
    const apiKey = singleUserApiKey({ HIL_API_KEY: "secret-of-the-lab" });
    expect(apiKey).toBe("secret-of-the-lab");
    expect(singleUserApiKey({ HIL_API_KEY: "" })).toBeUndefined();
    const { call } = await start({ apiKey });
    const added = await call("POST", "/api/queue/item/add", {
      key: "secret-of-the-lab",
      body: { item: plan("p") },
    });
    expect(added.body).toMatchObject({ success: true, item: { user: "single_user" } });
    const locked = await call("POST", "/api/lock", {
      key: "secret-of-the-lab",
      body: { lock_key: "k", environment: true },
    });
    expect(locked.body.success).toBe(true);
    expect((await call("GET", "/api/status", { key: "secret-of-the-la" })).status).toBe(401);
  });
});
