import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DBR } from "../../../src/ca/index.js";
import { startFakeServer, type FakeCaServer } from "./support/fake-server.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
let server: FakeCaServer;

beforeEach(async () => {
  server = await startFakeServer({
    "sim:temp": {
      type: DBR.DOUBLE,
      value: 21.456,
      units: "degC",
      precision: 2,
      status: 4,
      severity: 1,
      timestamp: { secondsSinceEpoch: 1_000_000_000, nanoseconds: 0 },
    },
    "sim:mode": { type: DBR.ENUM, value: Uint16Array.of(2), enumStrings: ["Off", "On", "Auto"] },
  });
});

afterEach(() => server.close());

const printed = new WeakMap<ChildProcessWithoutNullStreams, string>();

function run(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ["--import", "tsx", "examples/ca-get.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...server.env },
  });
  printed.set(child, "");
  child.stdout.on("data", (chunk: Buffer) =>
    printed.set(child, printed.get(child)! + chunk.toString()),
  );
  return child;
}

function finish(child: ChildProcessWithoutNullStreams): Promise<{
  code: number | null;
  stdout: string;
  stderr: string;
}> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Resolves with the first `count` lines the child has printed so far. */
function lines(child: ChildProcessWithoutNullStreams, count: number): Promise<string[]> {
  return new Promise((resolve) => {
    const check = (): void => {
      const got = printed.get(child)!.split("\n").filter(Boolean);
      if (got.length < count) return;
      child.stdout.off("data", check);
      resolve(got);
    };
    child.stdout.on("data", check);
    check();
  });
}

describe("examples/ca-get.ts", () => {
  it("prints the value with its precision, units, alarm and time stamp; an enum as its state", async () => {
    const [temp, mode] = await Promise.all([finish(run(["sim:temp"])), finish(run(["sim:mode"]))]);
    expect(temp.code).toBe(0);
    expect(temp.stdout).toBe("sim:temp 2021-09-09T01:46:40.000Z 21.46 degC MINOR HIGH\n");
    expect(mode.stdout).toMatch(/^sim:mode \S+ Auto\n$/);
  });

  it("with --monitor prints every update", async () => {
    const child = run(["sim:temp", "--monitor"]);
    const done = finish(child);
    await lines(child, 1);
    server.post("sim:temp", 30, { severity: 0, status: 0 });
    const [, second] = await lines(child, 2);
    expect(second).toMatch(/^sim:temp \S+ 30 degC$/);
    child.kill("SIGINT");
    expect((await done).code).toBe(0);
  });

  it("a PV nobody serves: a message naming it and a non-zero exit", async () => {
    const { code, stdout, stderr } = await finish(run(["sim:nobody", "--timeout", "0.3"]));
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^sim:nobody: no connection within 0.3 s/);
  });
});
