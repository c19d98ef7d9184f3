// `hil serve` as a person starts it: plans run in a forked worker, the queue lives in SQLite.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hilServes } from "../support/hil-serve.js";

const serves = hilServes();

/** Free port for the queue API, the dispatcher and the Scan Server off. */
const serve = (out: string, extraArgs: string[] = []) =>
  serves.start({ config: "config/sim-beamline.yaml", out, apiKey: "serve-test-key", extraArgs });

const scan = { item_type: "plan", name: "scan", args: [["det"], "m1", -1, 1, 9] };

describe("hil serve", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await serves.stopAll();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the queue and history through a kill -9 mid-plan, the interrupted item back at the front", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-serve-"));
    dirs.push(out);
    const first = await serve(out);
    const added = (await first.call("POST", "/api/queue/item/add", { item: scan })) as {
      item: { item_uid: string };
    };
    await first.call("POST", "/api/queue/item/add", {
      item: { item_type: "plan", name: "count", args: [["det"]] },
    });
    await first.call("POST", "/api/queue/start");
    // The live table's second row: the plan runs, a point is on disk.
    await first.waitFor(/\|\s+2 \|/);
    await first.kill();

    const second = await serve(out);
    const history = (await second.call("GET", "/api/history/get")) as {
      items: Array<{
        item_uid: string;
        name: string;
        result: { exit_status: string; msg: string };
      }>;
    };
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({
      item_uid: added.item.item_uid,
      name: "scan",
      result: { exit_status: "unknown", msg: "the server stopped while the plan ran" },
    });
    const queue = (await second.call("GET", "/api/queue/get")) as {
      items: Array<{ item_uid: string; name: string; args: unknown[] }>;
    };
    expect(queue.items.map((i) => i.name)).toEqual(["scan", "count"]);
    expect(queue.items[0]!.args).toEqual(scan.args);
    expect(queue.items[0]!.item_uid).not.toBe(added.item.item_uid);

    // The documents written before the kill are whole lines of JSON.
    const jsonl = readdirSync(out).find((f) => f.endsWith(".jsonl"))!;
    const lines = readFileSync(join(out, jsonl), "utf8").trim().split("\n");
    const names = lines.map((l) => (JSON.parse(l) as [string])[0]);
    expect(names.slice(0, 2)).toEqual(["start", "descriptor"]);
    expect(names.filter((n) => n === "event").length).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it("offers a plan module with its parameters, keeps its return value, and kills a frozen plan without losing the queue", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-serve-"));
    dirs.push(out);
    const served = await serve(out, ["--plans", "plans/align.ts", "test/cli/fixtures/frozen.ts"]);
    const allowed = (await served.call("GET", "/api/plans/allowed")) as {
      plans_allowed: Record<string, { parameters: Array<{ name: string; enum?: string[] }> }>;
    };
    const motor = allowed.plans_allowed.align!.parameters.find((p) => p.name === "motor")!;
    expect(motor.enum).toContain("m1");
    expect(motor.enum).not.toContain("det");

    const refused = await served.call("POST", "/api/queue/item/add", {
      item: { item_type: "plan", name: "align", kwargs: { detectors: ["det"], motor: "det" } },
    });
    expect(refused).toMatchObject({ success: false });
    expect(String(refused.msg)).toMatch(/det cannot be moved/);

    const align = { detectors: ["det"], motor: "m1", width: 2, num: 5 };
    await served.call("POST", "/api/queue/item/add", {
      item: { item_type: "plan", name: "align", kwargs: align },
    });
    const frozen = (await served.call("POST", "/api/queue/item/add", {
      item: { item_type: "plan", name: "frozen" },
    })) as { item: { item_uid: string } };
    await served.call("POST", "/api/queue/start");
    await served.waitFor("has not answered for");
    const destroyed = await served.call("POST", "/api/environment/destroy");
    expect(destroyed).toMatchObject({ success: true });

    const history = (await served.call("GET", "/api/history/get")) as {
      items: Array<{ name: string; item_uid: string; result: Record<string, unknown> }>;
    };
    expect(history.items.map((h) => [h.name, h.result.exit_status])).toEqual([
      ["align", "completed"],
      ["frozen", "unknown"],
    ]);
    const found = history.items[0]!.result.return_value as { position: number; peak: number };
    expect(found.position).toBeGreaterThan(-1);
    expect(found.position).toBeLessThan(1);
    expect(found.peak).toBeGreaterThan(0);
    const queue = (await served.call("GET", "/api/queue/get")) as {
      items: Array<{ name: string; item_uid: string }>;
    };
    expect(queue.items.map((i) => i.name)).toEqual(["frozen"]);
    expect(queue.items[0]!.item_uid).not.toBe(frozen.item.item_uid);

    // A new worker runs plans again.
    expect(await served.call("POST", "/api/environment/open")).toMatchObject({ success: true });
    const status = (await served.call("GET", "/api/status")) as Record<string, unknown>;
    expect(status).toMatchObject({ worker_environment_state: "idle", manager_state: "idle" });
  }, 90_000);
});
