// The collect message's rules, with collectables that hand over what a test queues: rows of
// several objects zip into the events of one stream, rows given ahead wait for the others.
import { describe, expect, it } from "vitest";
import type {
  DataKeys,
  EventCollectable,
  EventPage,
  EventPageCollectable,
  PartialEvent,
  PartialEventPage,
  Plan,
} from "../../src/core/index.js";
import { VirtualClock, parseDocument } from "../../src/core/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { collect, declareStream, openRun, closeRun } from "../../src/plans/index.js";
import { collector } from "./fixtures.js";

const key = (source: string): DataKeys[string] => ({ source, dtype: "number", shape: [] });

/** Gives the pages queued for it since the last collect. */
class PageSource implements EventPageCollectable {
  readonly queued: PartialEventPage[] = [];
  constructor(readonly name: string) {}
  async describeCollect(): Promise<DataKeys> {
    return { [this.name]: key(`test://${this.name}`) };
  }
  async collectPages(): Promise<PartialEventPage[]> {
    return this.queued.splice(0);
  }
  give(...values: number[]): void {
    const time = values.map((_, i) => 100 + i);
    this.queued.push({ time, data: { [this.name]: values }, timestamps: { [this.name]: time } });
  }
}

/** Gives the events queued for it since the last collect, one by one. */
class EventSource implements EventCollectable {
  readonly queued: PartialEvent[] = [];
  constructor(readonly name: string) {}
  async describeCollect(): Promise<DataKeys> {
    return { [this.name]: key(`test://${this.name}`) };
  }
  async collect(): Promise<PartialEvent[]> {
    return this.queued.splice(0);
  }
  give(...values: number[]): void {
    for (const value of values) {
      this.queued.push({
        time: 200,
        data: { [this.name]: value },
        timestamps: { [this.name]: 200 },
      });
    }
  }
}

describe("collect", () => {
  it("zips the rows of several collectables; rows given ahead wait for the next collect", async () => {
    const re = new RunEngine({ clock: new VirtualClock() });
    const a = new PageSource("a");
    const b = new EventSource("b");
    const made: number[] = [];
    function* plan(): Plan {
      yield* openRun();
      yield* declareStream("primary", [a, b], { collect: true });
      a.give(1, 2, 3);
      b.give(10, 20);
      made.push(yield* collect([a, b]));
      a.give(4);
      b.give(30, 40);
      made.push(yield* collect([a, b]));
      yield* closeRun();
    }
    const { docs, callback } = collector();
    await re.run(plan(), callback);
    for (const doc of docs) parseDocument(doc);
    const pages = docs.flatMap(([name, doc]) => (name === "event_page" ? [doc as EventPage] : []));
    expect(made).toEqual([2, 2]);
    expect(pages.map((page) => page.data)).toEqual([
      { a: [1, 2], b: [10, 20] },
      { a: [3, 4], b: [30, 40] },
    ]);
    expect(pages.flatMap((page) => page.seq_num)).toEqual([1, 2, 3, 4]);
    expect(pages[0]!.time).toEqual([100, 101]); // the first object's times
    const stop = docs.at(-1)!;
    expect(stop).toMatchObject(["stop", { num_events: { primary: 4 } }]);
  });

  it("names an object that has nothing to collect", async () => {
    const re = new RunEngine({ clock: new VirtualClock(), log: () => undefined });
    const reader = { name: "plain", describeCollect: async () => ({}) };
    function* plan(): Plan {
      yield* openRun();
      yield* collect([reader]);
      yield* closeRun();
    }
    await expect(re.run(plan())).rejects.toThrow("plain has nothing to collect");
  });
});
