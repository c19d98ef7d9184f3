import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QueueStore } from "../../../src/server/queue/index.js";
import { tempStore } from "./temp-store.js";

describe("ApiKeyStore", () => {
  let temp: ReturnType<typeof tempStore>;
  let store: QueueStore;
  let clock = 100;

  beforeEach(() => {
    clock = 100;
    temp = tempStore({ now: () => clock });
    store = temp.open();
  });
  afterEach(() => temp.cleanup());

  it("verifies a secret until it expires, storing only its hash", () => {
    const { secret, info } = store.apiKeys.create({
      principal: "alice",
      scopes: ["read:queue", "write:queue:edit"],
      role: "user",
      expiresIn: 60,
    });
    expect(info).toMatchObject({ first_eight: secret.slice(0, 8), expires_at: 160, role: "user" });
    expect(store.apiKeys.verify(secret)).toEqual(info);
    expect(store.apiKeys.verify(`${secret}x`)).toBeUndefined();
    const stored = JSON.stringify(store.apiKeys.list());
    expect(stored).not.toContain(secret);
    clock = 160;
    expect(store.apiKeys.verify(secret)).toBeUndefined();
    expect(store.apiKeys.purgeExpired()).toBe(1);
  });

  it("lists and revokes keys", () => {
    const a = store.apiKeys.create({ principal: "alice", scopes: ["read:status"] });
    store.apiKeys.create({ principal: "bob", scopes: [] });
    expect(store.apiKeys.list("alice").map((k) => k.principal)).toEqual(["alice"]);
    expect(store.apiKeys.list()).toHaveLength(2);
    expect(store.apiKeys.revoke(a.info.first_eight, "bob")).toBe(0);
    expect(store.apiKeys.revoke(a.info.first_eight)).toBe(1);
    expect(store.apiKeys.verify(a.secret)).toBeUndefined();
    expect(a.info.expires_at).toBeNull();
    expect(() => store.apiKeys.create({ principal: "x", scopes: [], expiresIn: 0 })).toThrow();
  });
});
