import { spawn } from "node:child_process";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QueueItem } from "../../../src/server/queue/index.js";
import { QueueDataError } from "../../../src/server/queue/index.js";
import { tempStore } from "./temp-store.js";

const alice = { user: "alice", user_group: "primary" };

describe("the queue database", () => {
  let temp: ReturnType<typeof tempStore>;

  beforeEach(() => {
    temp = tempStore({ now: () => 10, emergencyLockKey: "e" });
  });
  afterEach(() => temp.cleanup());

  it("finds everything again after a reopen", () => {
    const store = temp.open();
    store.queue.addBatch(
      [
        { item_type: "plan", name: "count", args: [["det"]], kwargs: { num: 2 }, meta: { s: 1 } },
        { item_type: "plan", name: "scan" },
        { item_type: "instruction", name: "queue_stop" },
        { item_type: "plan", name: "grid" },
      ],
      alice,
    );
    store.running.startNext();
    store.running.finish({ exit_status: "completed", run_uids: ["r"] });
    store.running.startNext();
    store.queue.setMode({ loop: true });
    store.queue.setAutostart(true);
    store.lock.lock({ lockKey: "k", queue: true, user: "alice" });
    const key = store.apiKeys.create({ principal: "alice", scopes: ["read:status"] });
    const saved = {
      queue: store.queue.get(),
      history: store.history.get(),
      lock: store.lock.info(),
      keys: store.apiKeys.list(),
    };
    store.close();

    const again = temp.open();
    expect(again.queue.get()).toEqual(saved.queue);
    expect(saved.queue.running_item?.name).toBe("scan");
    expect(again.history.get()).toEqual(saved.history);
    expect(again.lock.info()).toEqual(saved.lock);
    expect(again.apiKeys.list()).toEqual(saved.keys);
    expect(again.apiKeys.verify(key.secret)).toEqual(key.info);
    expect(again.queue.mode()).toEqual({ loop: true, ignore_failures: false });
    expect(again.queue.autostart()).toBe(true);
    expect(() => again.lock.check("queue")).toThrow(/locked by alice/);
    const db = new Database(temp.path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("names the row when a stored value is malformed", () => {
    const store = temp.open();
    const { item } = store.queue.add({ item_type: "plan", name: "count" }, alice);
    const db = new Database(temp.path);
    db.prepare("UPDATE queue_items SET item = ? WHERE item_uid = ?").run(
      JSON.stringify({ ...item, args: "not a list" }),
      item.item_uid,
    );
    db.prepare(
      "INSERT INTO settings (key, value) VALUES ('plan_queue_mode', '{\"loop\": 1')",
    ).run();
    db.close();
    expect(() => store.queue.get()).toThrow(QueueDataError);
    expect(() => store.queue.get()).toThrow(new RegExp(`queue item '${item.item_uid}'`));
    expect(() => store.queue.mode()).toThrow(/settings 'plan_queue_mode'/);
  });

  it("refuses a database made by a newer schema", () => {
    const db = new Database(temp.path);
    db.pragma("user_version = 99");
    db.close();
    expect(() => temp.open()).toThrow(/schema version 99/);
  });

  it("keeps a consistent queue when its writer is killed with SIGKILL", async () => {
    for (let round = 0; round < 3; round++) {
      await killWriterAfter(temp.path, round * 100_000, 15 + Math.floor(Math.random() * 30));
      const store = temp.open();
      checkConsistent(store.queue.get().items, store.queue.runningItem());
      const db = new Database(temp.path, { readonly: true });
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const positions = db
        .prepare("SELECT position FROM queue_items ORDER BY position")
        .pluck()
        .all();
      expect(positions).toEqual(positions.map((_, i) => i));
      db.close();
      store.close();
    }
  }, 60_000);
});

/** Runs queue-writer.ts until it has finished `steps` steps, then kills it mid-step. */
function killWriterAfter(path: string, first: number, steps: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/server/queue/queue-writer.ts", path, String(first)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let lines = 0;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      lines += chunk.toString().split("\n").length - 1;
      if (lines >= steps) child.kill("SIGKILL");
    });
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`queue writer exited with ${code}: ${stderr}`));
    });
  });
}

/** Every batch of five is whole and in order, counting a running item as its first item. */
function checkConsistent(items: readonly QueueItem[], running: QueueItem | undefined): void {
  const batchOf = (item: QueueItem) => Number(item.kwargs["batch"]);
  const indexOf = (item: QueueItem) => Number(item.kwargs["index"]);
  const batches = new Map<number, number[]>();
  let previous: number | undefined;
  for (const item of items) {
    const batch = batchOf(item);
    if (batch !== previous && batches.has(batch)) throw new Error(`batch ${batch} is split`);
    batches.set(batch, [...(batches.get(batch) ?? []), indexOf(item)]);
    previous = batch;
  }
  if (running) {
    // The writer's next round leaves a running item from a killed one running, and may move
    // the rest of its batch; the batch is still whole with it.
    expect(indexOf(running)).toBe(0);
    batches.set(batchOf(running), [0, ...(batches.get(batchOf(running)) ?? [])]);
  }
  expect(batches.size).toBeGreaterThan(0);
  for (const indexes of batches.values()) expect(indexes).toEqual([0, 1, 2, 3, 4]);
}
