// examples/ca-server.ts and examples/ca-get.ts, run as a person runs them: the server in
// one process, caget-like reads and a monitor from others.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unusedTcpUdpPort } from "../support/unused-port.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const run = promisify(execFile);

describe("the Channel Access examples", () => {
  let server: ChildProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const port = await unusedTcpUdpPort();
    server = spawn(process.execPath, ["--import", "tsx", "examples/ca-server.ts"], {
      cwd: root,
      env: { ...process.env, EPICS_CAS_SERVER_PORT: String(port) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const banner = await new Promise<string>((resolve) =>
      createInterface({ input: server.stdout! }).once("line", resolve),
    );
    expect(banner).toContain(`UDP ${port}`);
    env = {
      ...process.env,
      EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
      EPICS_CA_AUTO_ADDR_LIST: "NO",
      EPICS_CA_MAX_ARRAY_BYTES: String(2 ** 24),
    };
  }, 30_000);

  afterAll(() => {
    server?.kill("SIGINT");
  });

  const caGet = async (...args: string[]): Promise<string> =>
    (
      await run(process.execPath, ["--import", "tsx", "examples/ca-get.ts", ...args], {
        cwd: root,
        env,
      })
    ).stdout;

  it("ca-get prints a double with its units, an enum's state and the length of a waveform", async () => {
    const [ai, mode, wave] = await Promise.all([
      caGet("demo:ai"),
      caGet("demo:mode"),
      caGet("demo:wave"),
    ]);
    expect(ai).toMatch(/^demo:ai \S+ \d+\.\d{3} mm/);
    expect(mode).toMatch(/^demo:mode \S+ Off/);
    expect(wave).toMatch(/^demo:wave \S+ \[100000\] 0 0\.0010 0\.0020/);
  }, 30_000);

  it("ca-get --monitor prints the 10 Hz updates of demo:ai", async () => {
    const monitor = spawn(
      process.execPath,
      ["--import", "tsx", "examples/ca-get.ts", "demo:ai", "--monitor"],
      { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] },
    );
    const lines: string[] = [];
    await new Promise<void>((resolve) =>
      createInterface({ input: monitor.stdout! }).on("line", (line) => {
        lines.push(line);
        if (lines.length === 5) resolve();
      }),
    );
    monitor.kill("SIGINT");
    expect(new Set(lines).size).toBe(5);
    for (const line of lines) expect(line).toMatch(/^demo:ai \S+ \d+\.\d{3} mm/);
  }, 30_000);

  it("ca-get names the PV and exits with status 1 when nobody serves it", async () => {
    const failure = await caGet("demo:nothing", "--timeout", "0.5").catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("demo:nothing");
  }, 30_000);
});
