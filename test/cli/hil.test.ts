import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import h5wasm from "h5wasm/node";
import { describe, expect, it } from "vitest";
import { readJsonl } from "../../src/callbacks/index.js";
import type { EventDescriptor } from "../../src/core/index.js";
import { h5py, socat } from "../support/peers.js";
import { hil, startHil } from "./run-hil.js";

const outDir = (): string => mkdtempSync(join(tmpdir(), "hil-cli-"));

function files(stderr: string): { jsonl: string; csv: string; plot: string } {
  const paths = [...stderr.matchAll(/(\S+\.(jsonl|csv|svg))/g)].map((m) => m[1]!);
  const pick = (ext: string): string => paths.find((p) => p.endsWith(ext))!;
  return { jsonl: pick(".jsonl"), csv: pick(".csv"), plot: pick(".svg") };
}

describe("hil run", () => {
  it("scans the simulated beamline: table, peak near the centre, JSONL, CSV and plot", async () => {
    const out = outDir();
    const result = await hil([
      "run",
      "scan",
      "det",
      "m1",
      "-1",
      "1",
      "21",
      "--config",
      "config/sim-beamline.yaml",
      "--out",
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.split("\n").filter((line) => /^\|\s+\d+ \|/.test(line));
    expect(rows).toHaveLength(21);
    expect(result.stdout).toMatch(/^\+-+\+/m);
    const cen = Number(/cen\s+(-?[\d.]+)/.exec(result.stdout)?.[1]);
    expect(Math.abs(cen - 0.3)).toBeLessThan(0.1);
    const written = files(result.stderr);
    const docs = readJsonl(written.jsonl);
    const primary = docs.find(([name, doc]) => name === "descriptor" && doc.name === "primary")![1];
    const events = docs.filter(([name, doc]) => name === "event" && doc.descriptor === primary.uid);
    expect(events).toHaveLength(21);
    expect(docs.at(-1)).toMatchObject(["stop", { exit_status: "success" }]);
    expect(readFileSync(written.csv, "utf8").trim().split("\n")).toHaveLength(22);
    expect(readFileSync(written.plot, "utf8")).toContain("<svg");
  });

  it("fits the peak of a count against time, as bluesky's callbacks take it", async () => {
    const out = outDir();
    const args = ["run", "count", "det", "5", "--config", "config/sim-beamline.yaml"];
    const result = await hil([...args, "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("peak stats of det against time:");
    expect(result.stdout).not.toContain("too few points");
    const max = /max\s+\[([\d.e+]+), ([\d.]+)\]/.exec(result.stdout);
    expect(Number(max?.[1])).toBeGreaterThan(1_000_000_000); // an event time, epoch seconds
  });

  it("flies m1 through 10,000 frames of det and cam, as the README shows", async () => {
    const out = outDir();
    const frames = join(out, "frames");
    const args = ["run", "fly_scan", "det,cam", "m1", "-1", "1", "10000"];
    const config = ["--config", "config/sim-beamline.yaml", "--out", out];
    const result = await hil([...args, ...config], { HIL_FRAMES_DIR: frames });
    expect(result.code, result.stderr).toBe(0);
    const docs = readJsonl(files(result.stderr).jsonl); // every line checked by the schemas
    const pages = docs.flatMap(([name, doc]) => (name === "event_page" ? [doc] : []));
    const m1 = pages.flatMap((page) => page.data.m1 as number[]);
    expect(m1).toHaveLength(10_000);
    expect(m1[0]).toBeCloseTo(-1, 6);
    expect(m1.at(-1)).toBeCloseTo(1, 6);
    const stop = { exit_status: "success", num_events: { primary: 10_000 } };
    expect(docs.at(-1)).toMatchObject(["stop", stop]);
    const cen = Number(/cen\s+(-?[\d.]+)/.exec(result.stdout)?.[1]);
    expect(Math.abs(cen - 0.3)).toBeLessThan(0.1);
    // The camera's frames: one file, described frame by frame, with the declared shape.
    const descriptor = docs.find(
      ([name, doc]) => name === "descriptor" && doc.name === "primary",
    )![1] as EventDescriptor;
    expect(descriptor.data_keys.cam).toMatchObject({ shape: [48, 64], external: "STREAM:" });
    const resources = docs.flatMap(([name, doc]) => (name === "stream_resource" ? [doc] : []));
    const datums = docs.flatMap(([name, doc]) => (name === "stream_datum" ? [doc] : []));
    expect(resources).toHaveLength(1);
    expect(datums.map((d) => [d.seq_nums.start, d.seq_nums.stop])).toEqual(
      datums.map((d) => [d.indices.start + 1, d.indices.stop + 1]),
    );
    expect(datums.at(-1)!.indices.stop).toBe(10_000);
    const file = fileURLToPath(resources[0]!.uri.replace("file://localhost", "file://"));
    const dataset = String(resources[0]!.parameters.dataset);
    expect(await shapeByH5wasm(file, dataset)).toBe("[10000, 48, 64] uint16");
    // And by Debian's libhdf5, where python3-h5py is installed (always under CI=true).
    if (h5py().available) expect(shapeByH5py(file, dataset)).toBe("[10000, 48, 64] uint16");
  });

  it("runs the same scan through the sim twins of the real beamline", async () => {
    const out = outDir();
    const result = await hil([
      "run",
      "scan",
      "det",
      "m1",
      "-1",
      "1",
      "21",
      "--config",
      "config/beamline.yaml",
      "--profile",
      "sim",
      "--out",
      out,
      "--md",
      'sample="Si 111"',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const docs = readJsonl(files(result.stderr).jsonl);
    expect(docs[0]).toMatchObject(["start", { plan_name: "scan", sample: "Si 111" }]);
    expect(docs.filter(([name]) => name === "event").length).toBeGreaterThanOrEqual(21);
  });

  it("refuses unknown plans and bad arguments with exit code 2", async () => {
    const unknown = await hil([
      "run",
      "sacn",
      "det",
      "--config",
      "config/sim-beamline.yaml",
      "--out",
      outDir(),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no plan named sacn");
    const bad = await hil([
      "run",
      "scan",
      "det",
      "m1",
      "-1",
      "one",
      "21",
      "--config",
      "config/sim-beamline.yaml",
      "--out",
      outDir(),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("hil run scan <detectors> <motor> <start> <stop> <num>");
    expect(bad.stderr).toContain("argument 4: expected a number");
  });

  it("pauses on Ctrl-C, asks what to do, and aborts with exit code 1 keeping the data", async () => {
    const out = outDir();
    const run = startHil([
      "run",
      "count",
      "det",
      "1000",
      "--config",
      "config/sim-beamline.yaml",
      "--clock",
      "real",
      "--out",
      out,
    ]);
    await run.waitFor("|         1 |");
    run.signal("SIGINT");
    await run.waitFor("Paused.");
    run.write("abort\n");
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the run was aborted: aborted at the pause prompt");
    const docs = readJsonl(files(result.stderr).jsonl);
    expect(docs.at(-1)).toMatchObject(["stop", { exit_status: "abort" }]);
    expect(docs.filter(([name]) => name === "event").length).toBeGreaterThan(0);
  });
});

describe("hil validate", () => {
  it("reports every mistake of a config with file:line:col and exits 2", async () => {
    const dir = outDir();
    const path = join(dir, "broken.yaml");
    writeFileSync(
      path,
      [
        "devices:",
        "  m1:",
        "    driver: sim.moter",
        "  det:",
        "    driver: sim.detector",
        "    exposure: fast",
        "  tc1:",
        "    driver: sim.temperature",
        "    ambient: [1, 2]",
        "",
      ].join("\n"),
    );
    const result = await hil(["validate", path]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split("\n").filter((line) => line.startsWith(path));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${path}:3:13 devices\\.m1\\.driver: .*sim\\.motor`));
    expect(lines[1]).toMatch(new RegExp(`^${path}:6:15 devices\\.det\\.exposure: `));
    expect(lines[2]).toMatch(new RegExp(`^${path}:9:14 devices\\.tc1\\.ambient: `));
  });

  it("accepts the example configs", async () => {
    for (const [args, m1] of [
      [["config/sim-beamline.yaml"], "sim.motor"],
      [["config/beamline.yaml", "--profile", "sim"], "sim.motor"],
      [["config/stand.yaml"], "newport.smc100"],
    ] as const) {
      const result = await hil(["validate", ...args]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`m1 (${m1})`);
    }
    expect(existsSync("config/sim-beamline.yaml")).toBe(true);
  });
});

describe("hil devices", () => {
  it("shows each device's readings and configuration", async () => {
    const result = await hil(["devices", "config/sim-beamline.yaml"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^m1\s+read\s+m1\s+0\s+mm$/m);
    expect(result.stdout).toMatch(/^m1\s+config\s+m1_velocity\s/m);
    expect(result.stdout).toMatch(/^det\s+config\s+det_exposure\s+0\.1\s+s$/m);
  });
});

describe.skipIf(!socat().available)("hil emulate", () => {
  it("serves an SMC100 emulator on a pty that a config's real driver then reads", async () => {
    const dir = outDir();
    const link = join(dir, "smc100");
    const emulator = startHil(["emulate", "newport.smc100", "--link", link]);
    await emulator.waitFor("Ctrl-C stops it.");
    const config = join(dir, "stand.yaml");
    writeFileSync(
      config,
      `devices:\n  m1:\n    driver: newport.smc100\n    transport: {type: serial, path: ${link}, baud: 57600}\n`,
    );
    const result = await hil(["devices", config]);
    emulator.signal("SIGINT");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^m1\s+read\s+m1\s+0\s+mm$/m);
    expect(result.stdout).toMatch(/^m1\s+config\s+m1_velocity\s+2\s/m);
    expect((await emulator.done).code).toBe(0);
  });
});

/** A dataset's shape and element type, as h5wasm (HDF5 in WebAssembly) reads the file. */
async function shapeByH5wasm(path: string, dataset: string): Promise<string> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, "r");
  try {
    const data = file.get(dataset) as InstanceType<typeof h5wasm.Dataset>;
    const type = data.dtype === "<H" ? "uint16" : String(data.dtype);
    return `${JSON.stringify(data.shape).replaceAll(",", ", ")} ${type}`;
  } finally {
    file.close();
  }
}

/** The same, as h5py reads it. */
function shapeByH5py(path: string, dataset: string): string {
  const script =
    "import sys, h5py; d = h5py.File(sys.argv[1], 'r')[sys.argv[2]]; print(list(d.shape), d.dtype)";
  return execFileSync("/usr/bin/python3", ["-c", script, path, dataset]).toString().trim();
}
