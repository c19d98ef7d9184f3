// The README's "Serve EPICS databases: hil ioc" section, run as shown: its `hil ioc`
// commands serve examples/ioc, its caget/caput lines work against them (EPICS base's tools,
// when ../shared/peers has them), and on a terminal the shell answers its commands.
import { execFile, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { caEnvironment, epicsFolder } from "../support/epics-peer.js";
import { epicsBase, socat } from "../support/peers.js";
import { readmeSection } from "../support/readme.js";
import { unusedTcpUdpPort } from "../support/unused-port.js";
import { type HilResult, root, startHil } from "./run-hil.js";

const { shellLines } = readmeSection("## Serve EPICS databases: hil ioc");

const iocCommands = shellLines.filter((line) => line.startsWith("hil ioc "));
const args = (line: string): string[] => line.split(/\s+/).slice(1);

const run = promisify(execFile);

/** The port the README's command serves on, taken from the environment as it says. */
function serverEnv(port: number): Record<string, string> {
  return {
    EPICS_CAS_SERVER_PORT: String(port),
    EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
    EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
    EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
  };
}

/** A command run on a pseudo-terminal (socat), its output collected until it ends. */
function onTerminal(
  argv: string[],
  env: Record<string, string>,
): {
  write(text: string): void;
  waitFor(text: string): Promise<void>;
  kill(): void;
  done: Promise<HilResult>;
} {
  const dir = mkdtempSync(join(tmpdir(), "hil-ioc-pty-"));
  const script = join(dir, "run.sh");
  const quoted = argv.map((arg) => `'${arg}'`).join(" ");
  // socat's address syntax would split the command at each ':', so a script holds it.
  writeFileSync(script, `#!/bin/sh\ncd '${root}'\n${quoted}\necho "hil-exit=$?"\n`);
  chmodSync(script, 0o755);
  const child = spawn("socat", ["-", `EXEC:${script},pty,setsid,ctty,stderr`], {
    env: { ...process.env, ...env },
  });
  let output = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.splice(0)) {
      if (output.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  const done = new Promise<HilResult>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout: output, stderr: "" })),
  );
  return {
    write: (text) => void child.stdin.write(text),
    kill: () => void child.kill("SIGKILL"),
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        if (output.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void done.then(() => reject(new Error(`ended before showing "${text}":\n${output}`)));
      }),
    done,
  };
}

describe("the README's hil ioc section", () => {
  // A failed test leaves no IOC behind.
  const leftovers: Array<() => void> = [];
  afterEach(() => leftovers.splice(0).forEach((kill) => kill()));

  it("shows three hil ioc commands over files that exist", () => {
    expect(iocCommands).toHaveLength(3);
    for (const command of iocCommands) {
      for (const path of command.match(/(examples|config)\/\S+/g) ?? []) {
        expect(() => readFileSync(join(root, path)), path).not.toThrow();
      }
    }
    expect(shellLines).toContain("mkdir -p out");
  });

  it("serves the example beamline as shown; caget and caput as shown; the shell on a terminal", async () => {
    mkdirSync(join(root, "out"), { recursive: true }); // the section's `mkdir -p out`
    const [plainPort, securedPort] = [await unusedTcpUdpPort(), await unusedTcpUdpPort()];
    const plain = startHil(args(iocCommands[0]!), serverEnv(plainPort));
    leftovers.push(() => plain.signal("SIGKILL"));
    // The second command on a terminal, where it offers the shell (or served plainly).
    const secured = socat().available
      ? onTerminal(
          [process.execPath, "--import", "tsx", "src/cli/main.ts", ...args(iocCommands[1]!)],
          serverEnv(securedPort),
        )
      : undefined;
    const piped = secured ? undefined : startHil(args(iocCommands[1]!), serverEnv(securedPort));
    leftovers.push(
      () => secured?.kill(),
      () => piped?.signal("SIGKILL"),
    );

    await plain.waitFor("Ctrl-C stops it");
    expect(plain.output()).toContain(
      `hil ioc: 9 records; Channel Access on 127.0.0.1, TCP and UDP port ${plainPort}`,
    );
    if (epicsBase().available) {
      const env = caEnvironment(plainPort);
      const tool = (line: string): Promise<{ stdout: string }> => {
        const [name, ...rest] = line.split(/\s+/);
        return run(join(epicsFolder, "bin", name!), ["-w", "5", ...rest], { env });
      };
      const caget = shellLines.find((line) => line.startsWith("caget "))!;
      const caput = shellLines.find((line) => line.startsWith("caput "))!;
      const got = (await tool(caget)).stdout;
      expect(got).toMatch(/^BL:slit:gap\s+1\.5$/m);
      expect(got).toMatch(/^BL:gauge:1\s+2e-07$/m);
      expect(got).toMatch(/^BL:gauge:3\.EGU\s+Torr$/m);
      expect((await tool(caput)).stdout).toMatch(/^New : BL:slit:gap\s+2\.5$/m);
      expect((await tool("caget BL:slit:gapRbv")).stdout).toMatch(/^BL:slit:gapRbv\s+2\.5$/m);
    }
    plain.signal("SIGTERM");
    const stopped = await plain.done;
    expect(stopped.code, stopped.stderr).toBe(0);

    if (secured) {
      await secured.waitFor("hil> ");
      await secured.waitFor("9 records");
      secured.write("dbl BL:gauge*\n");
      secured.write("dbgf BL:gauge:3.EGU\n");
      secured.write("exit\n");
      const result = await secured.done;
      expect(result.stdout).toMatch(/BL:gauge:1\r?\nBL:gauge:2\r?\nBL:gauge:3/);
      expect(result.stdout).toContain("DBF_STRING: Torr");
      expect(result.stdout).toContain("hil-exit=0");
    } else {
      await piped!.waitFor("9 records");
      piped!.signal("SIGTERM");
      expect((await piped!.done).code).toBe(0);
    }
  }, 60_000);

  it("serves the example motors as shown; caput with callback returns when the move is done", async () => {
    const port = await unusedTcpUdpPort();
    const motors = startHil(args(iocCommands[2]!), serverEnv(port));
    leftovers.push(() => motors.signal("SIGKILL"));
    await motors.waitFor("Ctrl-C stops it");
    expect(motors.output()).toContain("hil ioc: 2 records");
    if (epicsBase().available) {
      const env = caEnvironment(port);
      const tool = (line: string): Promise<{ stdout: string }> => {
        const [name, ...rest] = line.split(/\s+/);
        return run(join(epicsFolder, "bin", name!), rest, { env });
      };
      const caput = shellLines.find((line) => line.startsWith("caput -c "))!;
      expect((await tool(caput)).stdout).toMatch(/^New : BL:m1\s+2\.5$/m);
      const after = (await tool("caget -w 5 BL:m1.DMOV BL:m1.RBV")).stdout;
      expect(after).toMatch(/^BL:m1\.DMOV\s+1$/m);
      expect(after).toMatch(/^BL:m1\.RBV\s+2\.5$/m);
    }
    motors.signal("SIGTERM");
    expect((await motors.done).code).toBe(0);
  }, 60_000);
});
