// `hil queue …` as a person runs it, against a queue server started in this process.
import { afterEach, describe, expect, it } from "vitest";
import type { ClientHarness } from "../client/client-harness.js";
import { startQueueServer } from "../client/client-harness.js";
import { hil } from "./run-hil.js";

const key = "cli-test-key";

// Each command is a fresh node process loading the TypeScript sources.
describe("hil queue against a queue server", { timeout: 60_000 }, () => {
  let harness: ClientHarness;
  afterEach(async () => harness.stop());

  const queue = (...args: string[]) =>
    hil(["queue", ...args, "--url", harness.url], { HIL_API_KEY: key });

  it("adds plans with JSON or text arguments, keyword arguments and a position", async () => {
    harness = await startQueueServer({ apiKey: key });
    await harness.sim.manager.openEnvironment();

    const count = await queue("add", "count", '["det"]', "--kwargs", '{"num": 3}');
    expect(count.stderr).toBe("");
    expect(count.code).toBe(0);
    expect(count.stdout).toMatch(/^added count as \S+; 1 item in the queue$/m);
    const scan = await queue("add", "scan", '["det"]', "m1", "-1", "1", "5", "--pos", "front");
    expect(scan.code).toBe(0);
    expect(scan.stdout).toMatch(/2 items in the queue/);

    const items = harness.sim.store.queue.get().items;
    expect(items.map((i) => [i.name, i.args, i.kwargs])).toEqual([
      ["scan", [["det"], "m1", -1, 1, 5], {}],
      ["count", [["det"]], { num: 3 }],
    ]);
    expect(count.stdout).toContain(items[1]!.item_uid);

    const status = await queue("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("manager: idle, RE: idle, environment: idle");
    expect(status.stdout).toContain("queue: 2 items, history: 0 items, autostart off");
    expect(status.stdout).toContain("running: nothing");
  });

  it("starts the queue and shows the history as a table", async () => {
    harness = await startQueueServer({ apiKey: key });
    await harness.sim.manager.openEnvironment();
    const user = { user: "alice", user_group: "primary" };
    harness.sim.store.queue.add({ item_type: "plan", name: "count", args: [["det"]] }, user);
    harness.sim.store.queue.add(
      { item_type: "plan", name: "scan", args: [["det"], "m1", -1, 1, 5] },
      user,
    );
    const start = await queue("start");
    expect(start).toMatchObject({ code: 0, stdout: "queue started\n" });
    await harness.sim.manager.idle();

    const history = harness.sim.store.history.get().items;
    const [all, last, status] = await Promise.all([
      queue("history"),
      queue("history", "--last", "1"),
      queue("status"),
    ]);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^plan\s+exit status\s+run uids\s+started\s+stopped$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^count\s+completed\s+/);
    expect(lines[2]).toContain(history[1]!.result.run_uids[0]!.slice(0, 8));
    expect(lines[2]).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const lastLines = last.stdout.trimEnd().split("\n");
    expect(lastLines).toHaveLength(2);
    expect(lastLines[1]).toMatch(/^scan\s+completed\s+/);
    expect(lastLines[1]).toContain(history[1]!.result.run_uids[0]!.slice(0, 8));
    expect(status.stdout).toContain("queue: 0 items, history: 2 items");
  });

  it("prints the server's refusal and exits 1", async () => {
    harness = await startQueueServer({ apiKey: key });
    const closed = await queue("start");
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/^hil queue start: .*open it first/m);
    expect(closed.stdout).toBe("");
    expect(await queue("env", "open")).toMatchObject({ code: 0, stdout: "environment open\n" });
    const empty = await queue("start");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^hil queue start: the queue is empty/m);

    const actions = [["pause", "--immediate"], ["resume"], ["stop"]];
    const refusals = await Promise.all(actions.map((action) => queue(...action)));
    refusals.forEach((refused, i) => {
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`^hil queue ${actions[i]![0]}: \\S`, "m"));
    });
  });

  it("prints a refused item's reason, a refused key's status code, an empty history", async () => {
    harness = await startQueueServer({ apiKey: key });
    await harness.sim.manager.openEnvironment();
    const [unknown, badKey, empty] = await Promise.all([
      queue("add", "nope"),
      hil(["queue", "status", "--url", harness.url, "--api-key", "wrong"]),
      queue("history"),
    ]);
    expect(empty).toMatchObject({ code: 0, stdout: "the history is empty\n" });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^hil queue add: .*nope/m);
    expect(harness.sim.store.queue.size()).toBe(0);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain(
      "hil queue status: invalid, revoked or expired API key (HTTP 401)",
    );
  });

  it("refuses bad options before asking the server (exit 2)", async () => {
    harness = await startQueueServer({ apiKey: key });
    const [kwargs, pos] = await Promise.all([
      queue("add", "count", '["det"]', "--kwargs", "[1]"),
      queue("add", "count", '["det"]', "--pos", "middle"),
    ]);
    expect(kwargs.code).toBe(2);
    expect(kwargs.stderr).toContain("expected a JSON object");
    expect(pos.code).toBe(2);
    expect(pos.stderr).toContain('expected "front", "back" or an index');
    expect(harness.sim.store.queue.size()).toBe(0);
  });
});
