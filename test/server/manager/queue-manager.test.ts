import { afterEach, describe, expect, it } from "vitest";
import { DocumentOutlets, LossyDelivery } from "../../../src/callbacks/index.js";
import type { DocumentSink } from "../../../src/callbacks/index.js";
import type { NamedDocument } from "../../../src/core/index.js";
import { realClock } from "../../../src/core/index.js";
import type { SimManager } from "../support/sim-manager.js";
import { simManager } from "../support/sim-manager.js";

const user = { user: "alice", user_group: "primary" };
const countDet = { item_type: "plan" as const, name: "count", args: [["det"]], kwargs: { num: 3 } };
const scanM1 = { item_type: "plan" as const, name: "scan", args: [["det"], "m1", -1, 1, 5] };

describe("QueueManager", () => {
  let sim: SimManager;
  afterEach(async () => sim.cleanup());

  it("runs the queue to its end, recording each outcome with run uids and the item uid in the start document", async () => {
    sim = await simManager();
    const { manager, store } = sim;
    await manager.openEnvironment();
    const starts: Array<Record<string, unknown>> = [];
    manager.subscribe((event) => {
      if (
        event.kind === "environment" &&
        event.event.kind === "document" &&
        event.event.document[0] === "start"
      ) {
        starts.push(event.event.document[1] as unknown as Record<string, unknown>);
      }
    });
    const a = store.queue.add(countDet, user, {}, manager.check).item;
    const b = store.queue.add(scanM1, user, {}, manager.check).item;
    manager.startQueue();
    await manager.idle();
    const history = store.history.get().items;
    expect(history.map((h) => [h.item_uid, h.result.exit_status])).toEqual([
      [a.item_uid, "completed"],
      [b.item_uid, "completed"],
    ]);
    expect(history[0]!.result.run_uids).toEqual([starts[0]!.uid]);
    expect(starts.map((s) => s.queue_item_uid)).toEqual([a.item_uid, b.item_uid]);
    expect(store.queue.size()).toBe(0);
    expect(manager.status().manager_state).toBe("idle");
  });

  it("hands every document to its outlets and tells its listeners how they fare", async () => {
    // The sink takes nothing until the plan is over: only the manager's own look at its
    // outlets can then tell the listeners that everything was sent.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const received: NamedDocument[] = [];
    const sink: DocumentSink = {
      name: "held",
      send: async (document) => {
        await gate;
        received.push(document);
      },
      close: () => Promise.resolve(),
    };
    const outlets = new DocumentOutlets([
      new LossyDelivery(sink, { capacity: 100, clock: realClock }),
    ]);
    sim = await simManager(undefined, { outlets });
    const { manager, store } = sim;
    await manager.openEnvironment();
    const made: NamedDocument[] = [];
    let heard!: () => void;
    const allSent = new Promise<void>((resolve) => (heard = resolve));
    manager.subscribe((event) => {
      if (event.kind === "environment" && event.event.kind === "document")
        made.push(event.event.document);
      const out = event.kind === "status" ? event.status.data_out[0] : undefined;
      const runOver = made.at(-1)?.[0] === "stop";
      if (out && runOver && out.sent === made.length && out.pending === 0) heard();
    });
    store.queue.add(countDet, user, {}, manager.check);
    manager.startQueue();
    await manager.idle();
    expect(manager.status().data_out[0]).toMatchObject({ sent: 0 });
    open();
    await allSent; // pushed by the manager without any request or other news
    expect(received).toEqual(made);
    expect(manager.status().data_out).toEqual([
      {
        name: "held",
        lossless: false,
        sent: made.length,
        spooled: 0,
        dropped: 0,
        pending: 0,
        failures: 0,
        last_error: null,
      },
    ]);
    await outlets.close();
  });

  it("refuses an unknown plan before it enters the queue", async () => {
    sim = await simManager();
    await sim.manager.openEnvironment();
    expect(() =>
      sim.store.queue.add({ item_type: "plan", name: "nope" }, user, {}, sim.manager.check),
    ).toThrow(/no plan named nope/);
    expect(sim.store.queue.size()).toBe(0);
  });

  it("pauses at once, resumes, and aborting pushes the item back to the front with a new uid", async () => {
    sim = await simManager();
    const { manager, store } = sim;
    await manager.openEnvironment();
    const item = store.queue.add(scanM1, user, {}, manager.check).item;
    const states: string[] = [];
    manager.subscribe((event) => {
      if (event.kind === "environment" && event.event.kind === "re_state")
        states.push(event.event.state);
    });
    let paused!: () => void;
    const pausedOnce = new Promise<void>((resolve) => (paused = resolve));
    manager.subscribe((event) => {
      if (
        event.kind === "environment" &&
        event.event.kind === "document" &&
        event.event.document[0] === "event"
      ) {
        void manager.control({ kind: "pause", defer: false });
      }
      if (
        event.kind === "environment" &&
        event.event.kind === "re_state" &&
        event.event.state === "paused"
      )
        paused();
    });
    manager.startQueue();
    await pausedOnce;
    expect(manager.status().manager_state).toBe("paused");
    await manager.control({ kind: "abort" });
    await manager.idle();
    const [done] = store.history.get().items;
    expect(done!.result.exit_status).toBe("aborted");
    const [back] = store.queue.get().items;
    expect(back!.name).toBe("scan");
    expect(back!.item_uid).not.toBe(item.item_uid);
    expect(states).toContain("paused");
    expect(states.at(-1)).toBe("idle");
  });

  it("executes an item at once without its entering the queue", async () => {
    sim = await simManager();
    const { manager, store } = sim;
    await manager.openEnvironment();
    store.queue.add(scanM1, user, {}, manager.check);
    const item = manager.executeItem(countDet, user);
    await manager.idle();
    expect(store.history.get().items.map((h) => h.item_uid)).toEqual([item.item_uid]);
    expect(store.queue.size()).toBe(1);
  });

  it("checks items while the environment is closed against what it last described, after a restart too", async () => {
    sim = await simManager();
    expect(() => sim.store.queue.add(countDet, user, {}, sim.manager.check)).toThrow(
      /open the environment first/,
    );
    await sim.manager.openEnvironment();
    await sim.manager.closeEnvironment();
    sim.manager.close();
    const again = await simManager(sim.temp);
    const { manager, store } = again;
    expect(manager.allowed?.plans).toHaveProperty("scan");
    expect(store.queue.add(scanM1, user, {}, manager.check).qsize).toBe(1);
    expect(() =>
      store.queue.add({ ...scanM1, args: [["det"], "det", -1, 1, 5] }, user, {}, manager.check),
    ).toThrow(/det cannot be moved/);
    manager.close();
    await again.environment.destroy();
  });
});
