import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ItemSubmission, QueueStore } from "../../../src/server/queue/index.js";
import { QueueError } from "../../../src/server/queue/index.js";
import { tempStore } from "./temp-store.js";

const alice = { user: "alice", user_group: "primary" };
const plan = (name: string, extra: Partial<ItemSubmission> = {}): ItemSubmission => ({
  item_type: "plan",
  name,
  ...extra,
});

describe("PlanQueue", () => {
  let temp: ReturnType<typeof tempStore>;
  let store: QueueStore;
  const names = () => store.queue.get().items.map((item) => item.name);

  beforeEach(() => {
    temp = tempStore();
    store = temp.open();
  });
  afterEach(() => temp.cleanup());

  it("adds items with fresh uids, the submitter and only the known keys", () => {
    const submission = { ...plan("count", { args: [["det"]], kwargs: { num: 3 } }), color: "red" };
    const first = store.queue.add(submission, alice).item;
    const second = store.queue.add(submission, alice).item;
    expect(first).toEqual({
      item_uid: first.item_uid,
      item_type: "plan",
      name: "count",
      args: [["det"]],
      kwargs: { num: 3 },
      user: "alice",
      user_group: "primary",
    });
    expect(second.item_uid).not.toBe(first.item_uid);
    expect(store.queue.add(plan("scan"), alice).qsize).toBe(3);
  });

  it("adds at an index, the front, the back, or beside a uid", () => {
    const a = store.queue.add(plan("a"), alice).item;
    store.queue.add(plan("b"), alice);
    store.queue.add(plan("front"), alice, { pos: "front" });
    store.queue.add(plan("at1"), alice, { pos: 1 });
    store.queue.add(plan("beforeLast"), alice, { pos: -1 });
    store.queue.add(plan("beforeA"), alice, { before_uid: a.item_uid });
    store.queue.add(plan("afterA"), alice, { after_uid: a.item_uid });
    expect(names()).toEqual(["front", "at1", "beforeA", "a", "afterA", "beforeLast", "b"]);
    expect(() => store.queue.add(plan("x"), alice, { pos: 1, before_uid: a.item_uid })).toThrow(
      QueueError,
    );
  });

  it("refuses a malformed item and an item the validator refuses", () => {
    const bad = { item_type: "plan", name: "" } as ItemSubmission;
    expect(() => store.queue.add(bad, alice)).toThrow(/bad item/);
    expect(() => store.queue.add(plan("scan"), alice, {}, () => "not allowed")).toThrow(
      /not allowed/,
    );
    expect(store.queue.size()).toBe(0);
  });

  it("adds a batch together, or nothing, reporting each failure", () => {
    store.queue.add(plan("first"), alice);
    const refuseB = (item: { name: string }) => (item.name === "b" ? "b is forbidden" : undefined);
    const uid = store.queue.planQueueUid;
    const failed = store.queue.addBatch([plan("a"), plan("b"), plan("c")], alice, {}, refuseB);
    expect(failed.success).toBe(false);
    expect(failed.results).toEqual([
      { success: true, msg: "" },
      { success: false, msg: "b is forbidden" },
      { success: true, msg: "" },
    ]);
    expect(names()).toEqual(["first"]);
    expect(store.queue.planQueueUid).toBe(uid);

    const ok = store.queue.addBatch([plan("a"), plan("c")], alice, { pos: "front" }, refuseB);
    expect(ok.success).toBe(true);
    expect(ok.qsize).toBe(3);
    expect(names()).toEqual(["a", "c", "first"]);
  });

  it("gets an item by position or uid", () => {
    const a = store.queue.add(plan("a"), alice).item;
    store.queue.add(plan("b"), alice);
    expect(store.queue.getItem().name).toBe("b");
    expect(store.queue.getItem({ pos: "front" })).toEqual(a);
    expect(store.queue.getItem({ pos: -2 })).toEqual(a);
    expect(store.queue.getItem({ uid: a.item_uid })).toEqual(a);
    expect(() => store.queue.getItem({ pos: 5 })).toThrow(/out of range/);
    expect(() => store.queue.getItem({ uid: "nope" })).toThrow(/not in the queue/);
  });

  it("updates an item in place, keeping its uid or giving a new one", () => {
    store.queue.add(plan("a"), alice);
    const b = store.queue.add(plan("b"), alice).item;
    store.queue.add(plan("c"), alice);
    const bob = { user: "bob", user_group: "primary" };
    const kept = store.queue.update({ ...b, kwargs: { num: 5 } }, bob).item;
    expect(kept).toMatchObject({ item_uid: b.item_uid, kwargs: { num: 5 }, user: "bob" });
    const renewed = store.queue.update({ ...kept, name: "b2" }, bob, { replace: true }).item;
    expect(renewed.item_uid).not.toBe(b.item_uid);
    expect(names()).toEqual(["a", "b2", "c"]);
    expect(() => store.queue.update({ ...b }, bob)).toThrow(/not in the queue/);
  });

  it("removes by position or uid, one or a batch", () => {
    const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => store.queue.add(plan(n), alice).item);
    expect(store.queue.remove().item).toEqual(d);
    expect(store.queue.remove({ uid: b!.item_uid }).qsize).toBe(2);
    expect(() => store.queue.removeBatch([a!.item_uid, "x"], { ignoreMissing: false })).toThrow(
      /'x'/,
    );
    expect(names()).toEqual(["a", "c"]);
    const removed = store.queue.removeBatch([c!.item_uid, "x", a!.item_uid]);
    expect(removed.items.map((item) => item.name)).toEqual(["c", "a"]);
    expect(store.queue.size()).toBe(0);
    expect(() => store.queue.remove()).toThrow(/empty/);
  });

  it("moves one item or a batch", () => {
    const [a, b, , d] = ["a", "b", "c", "d"].map((n) => store.queue.add(plan(n), alice).item);
    store.queue.move({ pos: 0 }, { pos_dest: 2 });
    expect(names()).toEqual(["b", "c", "a", "d"]);
    store.queue.move({ uid: d!.item_uid }, { before_uid: b!.item_uid });
    expect(names()).toEqual(["d", "b", "c", "a"]);
    store.queue.moveBatch([a!.item_uid, d!.item_uid], { pos_dest: "back" });
    expect(names()).toEqual(["b", "c", "a", "d"]);
    store.queue.moveBatch(
      [d!.item_uid, b!.item_uid],
      { after_uid: a!.item_uid },
      { reorder: true },
    );
    expect(names()).toEqual(["c", "a", "b", "d"]);
  });

  it("renews plan_queue_uid on every change and only then", () => {
    const uids = new Set([store.queue.planQueueUid]);
    const change = (fn: () => unknown) => {
      fn();
      const uid = store.queue.planQueueUid;
      expect(uids.has(uid)).toBe(false);
      uids.add(uid);
    };
    change(() => store.queue.add(plan("a"), alice));
    change(() => store.queue.add(plan("b"), alice));
    change(() => store.queue.move({ pos: 0 }, { pos_dest: "back" }));
    change(() => store.queue.remove());
    change(() => store.queue.clear());
    const before = store.queue.planQueueUid;
    store.queue.get();
    expect(() => store.queue.remove()).toThrow();
    expect(store.queue.planQueueUid).toBe(before);
  });

  it("clears the queue", () => {
    store.queue.addBatch([plan("a"), plan("b")], alice);
    store.queue.clear();
    expect(store.queue.get().items).toEqual([]);
  });

  it("keeps the mode and the autostart flag", () => {
    expect(store.queue.mode()).toEqual({ loop: false, ignore_failures: false });
    expect(store.queue.setMode({ loop: true })).toEqual({ loop: true, ignore_failures: false });
    expect(store.queue.setMode({ ignore_failures: true })).toEqual({
      loop: true,
      ignore_failures: true,
    });
    expect(store.queue.setMode("default")).toEqual({ loop: false, ignore_failures: false });
    expect(store.queue.autostart()).toBe(false);
    store.queue.setAutostart(true);
    expect(store.queue.autostart()).toBe(true);
  });
});
