import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HistoryItem, QueueStore } from "../../../src/server/queue/index.js";
import { tempStore } from "./temp-store.js";

function done(uid: string): HistoryItem {
  return {
    item_uid: uid,
    item_type: "plan",
    name: "count",
    args: [],
    kwargs: {},
    user: "alice",
    user_group: "primary",
    result: {
      exit_status: "completed",
      run_uids: [],
      scan_ids: [],
      time_start: 1,
      time_stop: 2,
      msg: "",
      traceback: "",
    },
  };
}

describe("PlanHistory", () => {
  let temp: ReturnType<typeof tempStore>;
  let store: QueueStore;
  const uids = () => store.history.get().items.map((item) => item.item_uid);

  beforeEach(() => {
    temp = tempStore();
    store = temp.open();
    for (const uid of ["h1", "h2", "h3", "h4"]) store.history.add(done(uid));
  });
  afterEach(() => temp.cleanup());

  it("keeps items oldest first", () => {
    expect(uids()).toEqual(["h1", "h2", "h3", "h4"]);
    expect(store.history.size()).toBe(4);
  });

  it("trims from the old end by size or by uid, or clears all", () => {
    const before = store.history.planHistoryUid;
    store.history.clear({ size: 3 });
    expect(uids()).toEqual(["h2", "h3", "h4"]);
    expect(store.history.planHistoryUid).not.toBe(before);
    store.history.clear({ itemUid: "h3" });
    expect(uids()).toEqual(["h3", "h4"]);
    expect(() => store.history.clear({ itemUid: "h1" })).toThrow(/not in the history/);
    store.history.clear();
    expect(uids()).toEqual([]);
  });

  it("refuses an item without a proper result", () => {
    const bad = { ...done("x"), result: { exit_status: "fine" } } as unknown as HistoryItem;
    expect(() => store.history.add(bad)).toThrow();
    expect(store.history.size()).toBe(4);
  });
});
