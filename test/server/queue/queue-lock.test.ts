import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QueueStore } from "../../../src/server/queue/index.js";
import { QueueLockedError } from "../../../src/server/queue/index.js";
import { tempStore } from "./temp-store.js";

describe("QueueLock", () => {
  let temp: ReturnType<typeof tempStore>;
  let store: QueueStore;

  beforeEach(() => {
    temp = tempStore({ now: () => 50, emergencyLockKey: "break-glass" });
    store = temp.open();
  });
  afterEach(() => temp.cleanup());

  it("guards what it locks for holders of the key only", () => {
    const uid = store.lock.info().lock_info_uid;
    const info = store.lock.lock({ lockKey: "k1", queue: true, user: "alice", note: "aligning" });
    expect(info).toMatchObject({
      environment: false,
      queue: true,
      user: "alice",
      note: "aligning",
      time: 50,
    });
    expect(info.lock_info_uid).not.toBe(uid);
    expect(() => store.lock.check("queue")).toThrow(QueueLockedError);
    expect(() => store.lock.check("queue", "k2")).toThrow(/locked by alice/);
    store.lock.check("queue", "k1");
    store.lock.check("environment");
    expect(() => store.lock.lock({ lockKey: "k2", environment: true, user: "bob" })).toThrow(
      /another key/,
    );
    expect(store.lock.lock({ lockKey: "k1", environment: true, user: "alice" }).queue).toBe(false);
    expect(() => store.lock.info("k2")).toThrow(/wrong lock key/);
    expect(() => store.lock.unlock("k2")).toThrow(/wrong lock key/);
    expect(store.lock.unlock("k1")).toMatchObject({ environment: false, queue: false, user: null });
    expect(() => store.lock.unlock("k1")).toThrow(/nothing is locked/);
  });

  it("opens with the emergency key and refuses an empty lock", () => {
    store.lock.lock({ lockKey: "k1", environment: true, queue: true, user: "alice" });
    store.lock.check("environment", "break-glass");
    store.lock.unlock("break-glass");
    expect(() => store.lock.lock({ lockKey: "k1", user: "alice" })).toThrow(
      /environment, the queue/,
    );
  });
});
