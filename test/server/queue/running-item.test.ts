import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QueueStore } from "../../../src/server/queue/index.js";
import { tempStore } from "./temp-store.js";

const alice = { user: "alice", user_group: "primary" };

describe("RunningItem", () => {
  let temp: ReturnType<typeof tempStore>;
  let store: QueueStore;
  let clock = 1000;
  const names = () => store.queue.get().items.map((item) => item.name);

  beforeEach(() => {
    clock = 1000;
    temp = tempStore({ now: () => clock });
    store = temp.open();
  });
  afterEach(() => temp.cleanup());

  it("starts the front plan and moves it to the history with its result", () => {
    const count = store.queue.add({ item_type: "plan", name: "count" }, alice).item;
    store.queue.add({ item_type: "plan", name: "scan" }, alice);
    const historyUid = store.history.planHistoryUid;
    expect(store.running.startNext()).toEqual({ item: count, running: true });
    expect(store.queue.get().running_item).toEqual(count);
    expect(store.running.startNext()).toBeUndefined();
    clock = 1012;
    const { history_item, pushed_back } = store.running.finish({
      exit_status: "completed",
      run_uids: ["r1"],
      scan_ids: [7],
      return_value: { peak: 1.5 },
    });
    expect(pushed_back).toBeUndefined();
    expect(history_item).toEqual({
      ...count,
      result: {
        exit_status: "completed",
        run_uids: ["r1"],
        scan_ids: [7],
        time_start: 1000,
        time_stop: 1012,
        msg: "",
        traceback: "",
        return_value: { peak: 1.5 },
      },
    });
    expect(store.history.get().items).toEqual([history_item]);
    expect(store.history.planHistoryUid).not.toBe(historyUid);
    expect(store.queue.runningItem()).toBeUndefined();
    expect(names()).toEqual(["scan"]);
  });

  it.each(["failed", "aborted", "halted"] as const)(
    "puts a %s plan back at the front with a new uid",
    (exit_status) => {
      const count = store.queue.add({ item_type: "plan", name: "count" }, alice).item;
      store.queue.add({ item_type: "plan", name: "scan" }, alice);
      store.running.startNext();
      const { pushed_back } = store.running.finish({ exit_status, msg: "boom" });
      expect(pushed_back).toEqual({ ...count, item_uid: pushed_back!.item_uid });
      expect(pushed_back!.item_uid).not.toBe(count.item_uid);
      expect(store.queue.getItem({ pos: "front" })).toEqual(pushed_back);
      expect(names()).toEqual(["count", "scan"]);
      expect(store.history.get().items[0]!.result.exit_status).toBe(exit_status);
    },
  );

  it("counts a stop as success unless told otherwise, and ignores failures when asked", () => {
    store.queue.add({ item_type: "plan", name: "count" }, alice);
    store.running.startNext();
    expect(store.running.finish({ exit_status: "stopped" }).pushed_back).toBeUndefined();
    store.queue.add({ item_type: "plan", name: "count" }, alice);
    store.running.startNext();
    expect(
      store.running.finish({ exit_status: "stopped" }, { pushBack: true }).pushed_back,
    ).toBeDefined();
    store.queue.clear();
    store.queue.setMode({ ignore_failures: true });
    store.queue.add({ item_type: "plan", name: "count" }, alice);
    store.running.startNext();
    expect(store.running.finish({ exit_status: "failed" }).pushed_back).toBeUndefined();
    expect(store.queue.size()).toBe(0);
  });

  it("in loop mode sends finished items and instructions to the back", () => {
    store.queue.setMode({ loop: true });
    store.queue.add({ item_type: "plan", name: "a" }, alice);
    const stop = store.queue.add({ item_type: "instruction", name: "queue_stop" }, alice).item;
    store.queue.add({ item_type: "plan", name: "b" }, alice);
    store.running.startNext();
    store.running.finish({ exit_status: "completed" });
    expect(names()).toEqual(["queue_stop", "b", "a"]);
    expect(store.running.startNext()).toEqual({ item: stop, running: false });
    expect(names()).toEqual(["b", "a", "queue_stop"]);
    expect(store.queue.runningItem()).toBeUndefined();
  });

  it("refuses to finish when nothing runs, and adds after the running item at the front", () => {
    expect(() => store.running.finish({ exit_status: "completed" })).toThrow(/no item is running/);
    const a = store.queue.add({ item_type: "plan", name: "a" }, alice).item;
    store.queue.add({ item_type: "plan", name: "b" }, alice);
    store.running.startNext();
    store.queue.add({ item_type: "plan", name: "next" }, alice, { after_uid: a.item_uid });
    expect(names()).toEqual(["next", "b"]);
    expect(() =>
      store.queue.add({ item_type: "plan", name: "x" }, alice, { before_uid: a.item_uid }),
    ).toThrow(/before the running item/);
    expect(() => store.queue.update({ ...a, name: "z" }, alice)).toThrow(/running/);
  });
});

describe("QueueStore.itemStatus", () => {
  it("tells where an item is in one call", () => {
    const temp = tempStore();
    try {
      const store = temp.open();
      const a = store.queue.add({ item_type: "plan", name: "a" }, alice).item;
      const b = store.queue.add({ item_type: "plan", name: "b" }, alice).item;
      expect(store.itemStatus(b.item_uid)).toEqual({ status: "queued", position: 1, item: b });
      store.running.startNext();
      expect(store.itemStatus(a.item_uid)).toEqual({ status: "running", item: a });
      store.running.finish({ exit_status: "failed" });
      expect(store.itemStatus(a.item_uid)).toMatchObject({ status: "failed", item: { name: "a" } });
      expect(store.itemStatus("nope")).toEqual({ status: "unknown_uid" });
    } finally {
      temp.cleanup();
    }
  });
});
