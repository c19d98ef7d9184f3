import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import type { Plan } from "../../../src/core/index.js";
import type { JsonValue } from "../../../src/server/json-value.js";
import type { PlanSource } from "../../../src/server/manager/index.js";
import { InProcessEnvironment, QueueManager } from "../../../src/server/manager/index.js";
import { closeRun, openRun } from "../../../src/plans/index.js";
import { tempStore } from "../queue/temp-store.js";

const by = { user: "alice", user_group: "primary" };

/**
 * One plan, `echo`: it sends "ready", then waits for messages and sends each back doubled
 * until it is sent "end". Questions are answered with their text reversed.
 */
const echoPlans: PlanSource = {
  allowed: { plans: { echo: { name: "echo" } }, devices: {} },
  check: (item) => (item.name === "echo" ? undefined : `unknown plan '${item.name}'`),
  build: (_item, channel) => {
    const received: JsonValue[] = [];
    let wake: (() => void) | undefined;
    const stop = channel.onMessage((message) => {
      received.push(message);
      wake?.();
    });
    const arrived = (): Promise<void> =>
      received.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve));
    function* echo(): Plan<void> {
      yield* openRun({ plan_name: "echo" });
      channel.send("ready");
      for (;;) {
        yield { command: "wait_for", waitables: [arrived] };
        const message = received.shift();
        if (message === "end") break;
        channel.send({ echo: [message ?? null, message ?? null] });
      }
      stop();
      yield* closeRun();
    }
    return echo();
  },
  query: (request) => Promise.resolve(String(request).split("").reverse().join("")),
};

describe("the running item's channel", () => {
  const temp = tempStore();
  let manager: QueueManager | undefined;
  let environment: InProcessEnvironment | undefined;
  afterEach(async () => {
    manager?.close();
    await environment?.destroy();
    temp.cleanup();
  });

  it("carries messages both ways between the manager and the plan, and questions to the plan source", async () => {
    const clock = new VirtualClock({ start: 1_700_000_000 });
    environment = new InProcessEnvironment(() =>
      Promise.resolve({ plans: echoPlans, clock, close: () => Promise.resolve() }),
    );
    manager = new QueueManager({ store: temp.open(), environment });
    await manager.openEnvironment();
    const running = manager;
    const heard: Array<[string | undefined, string, JsonValue]> = [];
    manager.subscribe((event) => {
      if (event.kind !== "environment" || event.event.kind !== "item") return;
      heard.push([event.item?.item_uid, event.event.item_uid, event.event.message]);
      if (event.event.message === "ready") {
        running.sendToItem(event.event.item_uid, 21);
        running.sendToItem(event.event.item_uid, "end");
      }
    });
    const item = manager.executeItem({ item_type: "plan", name: "echo" }, by);
    expect(await manager.query("abc")).toBe("cba");
    await manager.idle();
    expect(heard).toEqual([
      [item.item_uid, item.item_uid, "ready"],
      [item.item_uid, item.item_uid, { echo: [21, 21] }],
    ]);
    expect(() => running.sendToItem(item.item_uid, "late")).toThrow(/is not running/);
  });
});
