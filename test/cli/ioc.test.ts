// `hil ioc` as a person runs it: a child process serving .db and .substitutions files with
// macros from -m, read by CA clients, stopped by a signal with exit code 0; a mistake in a
// file is one located error and exit code 2. A few processes only: each costs seconds.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { CaClient } from "../../src/ca/index.js";
import { iocCommand } from "../../src/cli/hil-ioc.js";
import { HilError } from "../../src/core/index.js";
import { socat } from "../support/peers.js";
import { unusedTcpUdpPort } from "../support/unused-port.js";
import { type HilProcess, hil, startHil as start } from "./run-hil.js";

const dir = mkdtempSync(join(tmpdir(), "hil-ioc-cli-"));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** A CA server on loopback only, whose beacons do not leave the host. */
const loopbackServer = {
  EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
  EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
  EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
};

describe("hil ioc", () => {
  const clients: CaClient[] = [];
  // A test that fails half-way leaves no IOC or emulator running behind it.
  const running: HilProcess[] = [];
  const startHil = (...args: Parameters<typeof start>): HilProcess => {
    const process = start(...args);
    running.push(process);
    return process;
  };
  afterEach(() => running.splice(0).forEach((process) => process.signal("SIGKILL")));
  /** A client that finds the IOC on `port` of loopback, closed after the tests. */
  const clientOf = (port: number): CaClient => {
    const client = new CaClient({
      env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
      timeout: 5,
    });
    clients.push(client);
    return client;
  };

  afterAll(async () => {
    for (const client of clients) await client.close();
  });

  it("serves a .db and a substitutions file with -m macros until Ctrl-C, then exits 0", async () => {
    const db = file(
      "stage.db",
      `record(ao, "$(P)x") { field(EGU, "$(U=mm)") field(VAL, "1.25") field(PINI, "YES") }
       record(stringin, "$(P)name") { field(VAL, "$(NAME)") }`,
    );
    file("axis.template", `record(ao, "$(P)$(A)") { field(DESC, "axis $(A) of $(NAME)") }`);
    const subs = file("axes.substitutions", `file axis.template { pattern {A} {y} {z} }`);
    const port = await unusedTcpUdpPort();
    const served = startHil(
      [
        "ioc",
        "--db",
        db,
        "--substitutions",
        subs,
        "-m",
        "P=st:",
        "-m",
        "NAME=stage 1",
        "--port",
        String(port),
      ],
      loopbackServer,
    );
    await served.waitFor("Ctrl-C stops it");
    expect(served.output()).toContain(
      `hil ioc: 4 records; Channel Access on 127.0.0.1, TCP and UDP port ${port}; Ctrl-C stops it`,
    );
    const client = clientOf(port);
    expect((await client.channel("st:x").get()).value[0]).toBe(1.25);
    expect((await client.channel("st:x.EGU").get()).value[0]).toBe("mm");
    expect((await client.channel("st:name").get()).value[0]).toBe("stage 1");
    expect((await client.channel("st:z.DESC").get()).value[0]).toBe("axis z of stage 1");
    served.signal("SIGINT");
    const result = await served.done;
    expect(result.code, result.stderr).toBe(0);
  }, 30_000);

  it("serves a motor record driving the config's motor m1 (--config), caput-with-wait moving it", async () => {
    const db = file(
      "motor.db",
      `record(motor, "bl:m1") { field(DTYP, "hil Device") field(OUT, "@m1") field(MRES, "0.001") }`,
    );
    const port = await unusedTcpUdpPort();
    const config = join(import.meta.dirname, "../../config/sim-beamline.yaml");
    const served = startHil(
      ["ioc", "--db", db, "--config", config, "--profile", "sim", "--port", String(port)],
      loopbackServer,
    );
    await served.waitFor("Ctrl-C stops it");
    const client = clientOf(port);
    // m1's limits (-10..10) and units come from the config's device.
    const limits = await client.channel("bl:m1.VAL").get({ type: "ctrl" });
    expect([limits.lowerControlLimit, limits.upperControlLimit]).toEqual([-10, 10]);
    await client.channel("bl:m1.VAL").put(0.4, { wait: true, timeout: 10 });
    expect((await client.channel("bl:m1.DMOV").get()).value[0]).toBe(1);
    expect(Number((await client.channel("bl:m1.RBV").get()).value[0])).toBeCloseTo(0.4, 3);
    served.signal("SIGTERM");
    expect((await served.done).code).toBe(0);
  }, 30_000);

  it.skipIf(!socat().available)(
    "serves a motor record on the real SMC100 driver, talking to hil emulate over a pty",
    async () => {
      const link = join(dir, "smc100");
      const emulator = startHil(["emulate", "newport.smc100", "--link", link]);
      await emulator.waitFor("Ctrl-C stops it.");
      const config = file(
        "smc100.yaml",
        `devices:\n  m1:\n    driver: newport.smc100\n    units: mm\n    limits: [-12.5, 12.5]\n    homeOnConnect: true\n` +
          `    transport: {type: serial, path: ${link}, baud: 57600, flowControl: xonxoff}\n`,
      );
      const db = file(
        "smc100.db",
        `record(motor, "st:m1") { field(DTYP, "hil Device") field(OUT, "@m1") field(MRES, "0.0001") }`,
      );
      const port = await unusedTcpUdpPort();
      const served = startHil(
        ["ioc", "--db", db, "--config", config, "--port", String(port)],
        loopbackServer,
      );
      await served.waitFor("Ctrl-C stops it");
      const client = clientOf(port);
      // The limits are the controller's own (SL/SR, asked for at start), as VAL's and HLM/LLM.
      const limits = await client.channel("st:m1.VAL").get({ type: "ctrl" });
      const hlm = Number((await client.channel("st:m1.HLM").get()).value[0]);
      const llm = Number((await client.channel("st:m1.LLM").get()).value[0]);
      expect([limits.lowerControlLimit, limits.upperControlLimit]).toEqual([llm, hlm]);
      expect(llm).toBeLessThan(0);
      expect(hlm).toBeGreaterThan(0.3);
      expect((await client.channel("st:m1.EGU").get()).value[0]).toBe("mm");
      await client.channel("st:m1.VAL").put(0.3, { wait: true, timeout: 20 });
      expect((await client.channel("st:m1.DMOV").get()).value[0]).toBe(1);
      expect(Number((await client.channel("st:m1.RBV").get()).value[0])).toBeCloseTo(0.3, 3);
      // A target past the controller's limits: LVIO, and the axis stays.
      await client.channel("st:m1.VAL").put(hlm + 1, { wait: true, timeout: 5 });
      expect((await client.channel("st:m1.LVIO").get()).value[0]).toBe(1);
      expect(Number((await client.channel("st:m1.RBV").get()).value[0])).toBeCloseTo(0.3, 3);
      served.signal("SIGTERM");
      expect((await served.done).code).toBe(0);
      emulator.signal("SIGINT");
      expect((await emulator.done).code).toBe(0);
    },
    60_000,
  );

  it("gives one located error and exit code 2 for a syntax error, an unknown field, a bad -m", async () => {
    const syntax = file("syntax.db", `record(ai, "a") {\n  field(DESC, "x"\n}\n`);
    const unknown = file(
      "unknown.db",
      `record(ai, "a") {\n  field(DESC, "x")\n  field(FOO, "1")\n}\n`,
    );
    const good = file("good.db", `record(ai, "a") {}\n`);
    const [bySyntax, byField, byMacro] = await Promise.all([
      hil(["ioc", "--db", syntax, "--no-shell"]),
      hil(["ioc", "--db", unknown, "--no-shell"]),
      hil(["ioc", "--db", good, "-m", "P=x:,=y", "--no-shell"]),
    ]);
    for (const result of [bySyntax, byField, byMacro]) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).not.toContain("records;");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(bySyntax.stderr.trim()).toMatch(new RegExp(`^${syntax}:3:1: expected '\\)'`));
    expect(byField.stderr.trim()).toBe(
      `${unknown}:3:9: record "a" (ai): ai records have no field "FOO"`,
    );
    expect(byMacro.stderr.trim()).toBe(`-m "P=x:,=y": macro definition has no name before =`);
  }, 30_000);

  it("refuses an autosave file in a folder that does not exist, before serving", async () => {
    const db = file("one.db", `record(ai, "a") {}\n`);
    const missing = join(dir, "no-such-folder", "ioc.sav");
    await expect(iocCommand({ db: [db], autosave: missing })).rejects.toThrow(
      `--autosave ${missing}: no folder ${join(dir, "no-such-folder")}`,
    );
  });

  it("refuses a bad .acf with a located error that exits 2, before serving", async () => {
    const db = file("two.db", `record(ai, "a") { field(ASG, "X") }\n`);
    const acf = file("bad.acf", `ASG(X) {\n  RULE(1, READX)\n}\n`);
    const refusal = await iocCommand({ db: [db], acf }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HilError); // main turns it into exit code 2
    expect((refusal as Error).message).toMatch(new RegExp(`^${acf}:2:\\d+: `));
  });
});
