// `hil caget` and `hil camonitor` against EPICS base's caget and camonitor: the same .db
// served by softIoc, read by both, line for line. Without EPICS base, our own IOC serves
// it and the lines are checked as written; the formatting rules have their own cases.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CaToolOptions, camonitorCommand, cagetCommand } from "../../src/cli/hil-ca.js";
import {
  camonitorLine,
  disconnectedLine,
  escapeString,
  formatG,
  formatTimestamp,
} from "../../src/cli/hil-ca-format.js";
import { epicsFolder, startSoftIoc, type SoftIoc } from "../support/epics-peer.js";
import { epicsBase } from "../support/peers.js";
import { serveDb } from "../support/served-db.js";
import { type HilProcess, hil, startHil } from "./run-hil.js";

const db = `
record(ai, "t:ai") { field(VAL, "3.14159") field(PREC, "3") field(EGU, "mm") field(PINI, "YES") }
record(longin, "t:long") { field(VAL, "42") field(PINI, "YES") }
record(stringin, "t:str") { field(VAL, "say \\"hi\\"") field(PINI, "YES") }
record(mbbi, "t:mbbi") {
  field(ZRST, "Off") field(ONST, "On") field(TWST, "Fault") field(VAL, "1") field(PINI, "YES")
}
record(bi, "t:bi") {
  field(ZNAM, "Closed") field(ONAM, "Open") field(OSV, "MAJOR") field(VAL, "1") field(PINI, "YES")
}
record(waveform, "t:wf") { field(FTVL, "SHORT") field(NELM, "8") }
record(waveform, "t:chars") { field(FTVL, "UCHAR") field(NELM, "4") }
record(waveform, "t:empty") { field(FTVL, "FLOAT") field(NELM, "3") }
record(ai, "t:big") { field(VAL, "1234567.25") field(PINI, "YES") }
`;
const names = ["t:ai", "t:long", "t:str", "t:mbbi", "t:bi", "t:wf", "t:big"];

describe("the formatting of caget and camonitor", () => {
  it("prints doubles as C's %g, ties to even on the exact binary value", () => {
    const cases: Array<[number, string]> = [
      [3.14159, "3.14159"],
      [1234567.25, "1.23457e+06"],
      [100000, "100000"],
      [1e6, "1e+06"],
      [0.0001, "0.0001"],
      [-1.2e-5, "-1.2e-05"],
      [1234565, "1.23456e+06"],
      [1234575, "1.23458e+06"],
      [-0, "-0"],
      [Number.NaN, "nan"],
      [-Infinity, "-inf"],
      [5e-324, "4.94066e-324"],
    ];
    for (const [x, text] of cases) expect(formatG(x), String(x)).toBe(text);
  });

  it("stamps to the microsecond, rounded but not into the next second", () => {
    const zone = process.env.TZ;
    process.env.TZ = "UTC";
    try {
      expect(formatTimestamp({ secondsSinceEpoch: 1, nanoseconds: 999_999_900 })).toBe(
        "1990-01-01 00:00:01.999999",
      );
      expect(formatTimestamp({ secondsSinceEpoch: 0, nanoseconds: 0 })).toBe("<undefined>");
      expect(escapeString('a "b"\n\\\u00e9')).toBe('a \\"b\\"\\n\\\\\\xc3\\xa9');
      const data = {
        value: ["Open"],
        status: 7,
        severity: 2,
        timestamp: { secondsSinceEpoch: 1, nanoseconds: 0 },
      };
      expect(camonitorLine("x", data)).toBe(
        `${"x".padEnd(30)} 1990-01-01 00:00:01.000000 Open STATE MAJOR`,
      );
      const empty = { value: new Int16Array(0), status: 0, severity: 0, timestamp: data.timestamp };
      expect(camonitorLine("w", empty)).toBe(`${"w".padEnd(30)} 1990-01-01 00:00:01.000000  `);
      expect(disconnectedLine("w", 5, 1000.0015)).toBe(
        "w 1970-01-01 00:00:01.000002 *** disconnected",
      );
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

/** Runs a tool in-process, collecting its lines. */
function collector(env: Record<string, string>): {
  output: { out: (l: string) => void; err: (l: string) => void; env: Record<string, string> };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { output: { out: (l) => out.push(l), err: (l) => err.push(l), env }, out, err };
}

describe("hil caget and camonitor on our own IOC", () => {
  it("prints caget's lines, and exits 1 with caget's message for a missing PV", async () => {
    const served = await serveDb(db);
    try {
      await served.client.channel("t:wf").put([1, 2, -3, 4, 5]);
      const env = {
        EPICS_CA_ADDR_LIST: `127.0.0.1:${served.ioc.server.udpPort}`,
        EPICS_CA_AUTO_ADDR_LIST: "NO",
      };
      const options: CaToolOptions = { timeout: 2 };
      const run = collector(env);
      expect(await cagetCommand(names, options, run.output)).toBe(0);
      expect(run.out).toEqual([
        `${"t:ai".padEnd(30)} 3.14159`,
        `${"t:long".padEnd(30)} 42`,
        `${"t:str".padEnd(30)} say \\"hi\\"`,
        `${"t:mbbi".padEnd(30)} On`,
        `${"t:bi".padEnd(30)} Open`,
        "t:wf 8 1 2 -3 4 5 0 0 0",
        `${"t:big".padEnd(30)} 1.23457e+06`,
      ]);
      const missing = await hil(["caget", "-w", "0.3", "t:ai", "t:nope"], env);
      expect(missing).toMatchObject({ code: 1, stdout: "" });
      expect(missing.stderr).toBe("Channel connect timed out: some PV(s) not found.\n");

      const monitor = collector(env);
      let stop = (): void => undefined;
      const stopped = new Promise<void>((done) => (stop = done));
      const running = camonitorCommand(
        ["t:bi", "t:wf", "t:nope"],
        { timeout: 0.5 },
        monitor.output,
        stopped,
      );
      await until(() => monitor.out.length >= 3);
      await served.client.channel("t:bi").put(0);
      await until(() => monitor.out.length >= 4);
      stop();
      expect(await running).toBe(0);
      const stamp = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}`;
      expect(monitor.out).toHaveLength(4);
      expect(monitor.out).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^t:bi {27}${stamp} Open STATE MAJOR$`)),
          expect.stringMatching(new RegExp(`^t:wf ${stamp} 5 1 2 -3 4 5  $`)),
          `${"t:nope".padEnd(30)} *** Not connected (PV not found)`,
          expect.stringMatching(new RegExp(`^t:bi {27}${stamp} Closed  $`)),
        ]),
      );
    } finally {
      await served.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!epicsBase().available)("hil caget and camonitor beside EPICS base's", () => {
  const bin = (tool: string): string => resolve(epicsFolder, "bin", tool);
  let ioc: SoftIoc | undefined;
  const children: ChildProcess[] = [];
  const hils: HilProcess[] = [];
  afterEach(() => {
    ioc?.stop();
    for (const child of children.splice(0)) child.kill("SIGKILL");
    for (const process of hils.splice(0)) process.signal("SIGKILL");
  });

  async function serve(): Promise<Record<string, string>> {
    const dir = mkdtempSync(join(tmpdir(), "hil-ca-"));
    writeFileSync(join(dir, "t.db"), db);
    ioc = await startSoftIoc(join(dir, "t.db"));
    expect(ioc.ready, ioc.output()).toBe(true);
    const env = {
      EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.port}`,
      EPICS_CA_AUTO_ADDR_LIST: "NO",
      EPICS_CA_SERVER_PORT: String(ioc.port),
    };
    caput(env, "-a", "t:wf", "5", "1", "2", "-3", "4", "5");
    caput(env, "-a", "t:chars", "2", "200", "65");
    return env;
  }

  function caput(env: Record<string, string>, ...args: string[]): void {
    const put = spawnSync(bin("caput"), args, { env: { ...process.env, ...env } });
    expect(put.status, put.stderr.toString()).toBe(0);
  }

  it("caget: the same lines, the same message and exit code for a missing PV", async () => {
    const env = await serve();
    const all = [...names, "t:chars", "t:empty"];
    const theirs = spawnSync(bin("caget"), all, { env: { ...process.env, ...env } });
    const ours = await hil(["caget", ...all], env);
    expect(ours.code).toBe(0);
    expect(ours.stdout.split("\n")).toEqual(theirs.stdout.toString().split("\n"));

    const missing = ["-w", "0.3", "t:nope"];
    const theirMissing = spawnSync(bin("caget"), missing, { env: { ...process.env, ...env } });
    const ourMissing = await hil(["caget", ...missing], env);
    expect(ourMissing).toEqual({
      code: theirMissing.status,
      stdout: theirMissing.stdout.toString(),
      stderr: theirMissing.stderr.toString(),
    });
  });

  it("camonitor: the same lines for updates, alarms and a disconnection", async () => {
    const env = await serve();
    const watched = ["t:ai", "t:bi", "t:wf", "t:str", "t:mbbi", "t:long", "t:chars", "t:empty"];
    const child = spawn(bin("camonitor"), watched, { env: { ...process.env, ...env } });
    children.push(child);
    let theirs = "";
    child.stdout.on("data", (chunk: Buffer) => (theirs += chunk.toString()));
    const ours = startHil(["camonitor", ...watched], env);
    hils.push(ours);
    const lines = (text: string): string[] => text.split("\n").filter((l) => l.length > 0);
    const bothShow = (text: string, times = 1): Promise<void> =>
      until(() => [theirs, ours.output()].every((o) => o.split(text).length > times));
    // The first update of each PV, before any put.
    await until(() => [theirs, ours.output()].every((o) => lines(o).length >= watched.length));
    for (const i of [1, 2, 3]) {
      caput(env, "t:ai", `${i}.${i}${i}5`);
      caput(env, "t:bi", String(i % 2));
      caput(env, "-a", "t:wf", "3", String(i), "2", "1");
      caput(env, "t:long", String(-i));
    }
    caput(env, "t:str", "a 'b'");
    await bothShow("a \\'b\\'");
    ioc!.stop();
    await bothShow("*** disconnected", watched.length);
    ours.signal("SIGTERM");
    expect((await ours.done).code).toBe(0);
    // A disconnection is stamped with each client's own clock: only that time may differ.
    const clientTime = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \*\*\* disconnected$/;
    const masked = (text: string): string[] =>
      lines(text).map((l) => l.replace(clientTime, "<now> *** disconnected"));
    expect(masked(ours.output())).toEqual(masked(theirs));
  });
});
