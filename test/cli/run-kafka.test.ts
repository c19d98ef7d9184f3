// `hil run --kafka`: the run's documents go to Kafka through a lossless outlet. No broker can
// run on these machines (see README), so this is the broker-away half: every document ends
// in the spool under --out, in order with its sequence number, and waits for the next run.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readJsonl } from "../../src/callbacks/index.js";
import { unusedPort } from "../support/unused-port.js";
import { hil, startHil } from "./run-hil.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const config = ["--config", "config/sim-beamline.yaml"];
const spoolFile = (out: string): string =>
  join(out, "spool", "kafka-SIM-1.bluesky.runengine.documents", "spool.jsonl");

function spooled(out: string): Array<[string, { uid?: string }, { run: string; seq: number }]> {
  return readFileSync(spoolFile(out), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as [string, { uid?: string }, { run: string; seq: number }]);
}

function runDocuments(out: string): Array<[string, { uid?: string }]> {
  const files = readdirSync(out)
    .filter((name) => name.endsWith(".jsonl"))
    .sort();
  return files.flatMap((name) => readJsonl(join(out, name)) as Array<[string, { uid?: string }]>);
}

describe("hil run --kafka", { timeout: 120_000 }, () => {
  it("spools every document while no broker answers, and keeps the first run's ahead of the next", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-kafka-"));
    dirs.push(out);
    const brokers = `127.0.0.1:${await unusedPort()}`;
    const args = ["run", "count", "det", "3", ...config, "--out", out, "--kafka", brokers];

    const first = await hil(args);
    expect(first.code, first.stderr).toBe(0);
    const topic = "kafka SIM-1.bluesky.runengine.documents";
    const firstRun = runDocuments(out);
    expect(first.stdout + first.stderr).toContain(
      `${topic}: ${firstRun.length} documents wait in the spool; the next hil run or hil serve with this --out and this topic sends them first`,
    );
    const firstUid = firstRun[0]![1].uid!;
    expect(spooled(out).map(([name, doc, sequence]) => [name, doc.uid, sequence])).toEqual(
      firstRun.map(([name, doc], i) => [name, doc.uid, { run: firstUid, seq: i + 1 }]),
    );

    const second = await hil(args);
    expect(second.code, second.stderr).toBe(0);
    const both = runDocuments(out);
    expect(second.stdout + second.stderr).toContain(`${topic}: ${both.length} documents wait`);
    expect(spooled(out).map(([name, doc]) => [name, doc.uid])).toEqual(
      both.map(([name, doc]) => [name, doc.uid]),
    );
  });

  it("spools what a broker that never answers holds when Ctrl-C ends the wait at the end", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-kafka-"));
    dirs.push(out);
    const silent = createServer(() => undefined); // takes connections, answers nothing
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const run = startHil([
        "run",
        "count",
        "det",
        "3",
        ...config,
        "--out",
        out,
        "--kafka",
        `127.0.0.1:${port}`,
      ]);
      await run.waitFor(/sending \d+ documents still waiting for their outlets/);
      run.signal("SIGINT");
      const ended = await run.done;
      expect(ended.code, ended.stderr).toBe(0);
      const written = runDocuments(out);
      expect(ended.stdout + ended.stderr).toContain(
        `kafka SIM-1.bluesky.runengine.documents: ${written.length} documents wait in the spool`,
      );
      expect(spooled(out).map(([name, doc]) => [name, doc.uid])).toEqual(
        written.map(([name, doc]) => [name, doc.uid]),
      );
    } finally {
      silent.close();
    }
  });

  it("refuses bad brokers, a topic alone and a config without beamline_id before it runs anything", async () => {
    const bad = await hil(["run", "count", "det", "1", ...config, "--kafka", "localhost"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--kafka localhost: expected HOST:PORT\[,HOST:PORT\.\.\.\]/);

    const alone = await hil(["run", "count", "det", "1", ...config, "--kafka-topic", "t"]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--kafka-topic needs --kafka/);

    const dir = mkdtempSync(join(tmpdir(), "hil-kafka-"));
    dirs.push(dir);
    const unnamedConfig = join(dir, "unnamed.yaml");
    writeFileSync(unnamedConfig, "devices:\n  m1:\n    driver: sim.motor\n");
    const unnamed = await hil([
      "run",
      "count",
      "m1",
      "1",
      "--config",
      unnamedConfig,
      "--kafka",
      "127.0.0.1:9092",
    ]);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/--kafka needs --kafka-topic TOPIC, or beamline_id/);
  });
});
