// The iocsh of `hil ioc`, called line by line on a running database: what an EPICS engineer
// types first (dbl, dbpr, dbgf, dbpf, casr, dbcar) and what they get for a typing mistake.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaClient } from "../../src/ca/index.js";
import { Ioc } from "../../src/ioc/ioc.js";
import { runShellLine, type ShellContext } from "../../src/ioc/shell.js";
import { databaseOf } from "./records/support.js";

const db = `
record(ao, "bl:set") {
  field(DESC, "gap setpoint") field(EGU, "mm") field(PREC, "2")
  field(OUT, "bl:copy PP") field(FLNK, "bl:count")
}
record(ao, "bl:copy") {}
record(calc, "bl:count") { field(CALC, "VAL+1") }
record(ai, "bl:in") { field(INP, "bl:set") }
record(bo, "bl:shutter") { field(ZNAM, "Closed") field(ONAM, "Open") }
record(stringout, "bl:sample") { field(VAL, "none") }
record(waveform, "bl:trace") { field(FTVL, "FLOAT") field(NELM, "4") }
record(lso, "bl:note") { field(SIZV, "80") }
record(calcout, "bl:delay") { field(CALC, "1") field(ODLY, "5") field(OUT, "bl:copy PP") }
`;

describe("iocsh commands", () => {
  const { db: database } = databaseOf(db);
  const context: ShellContext = { database };
  const run = async (line: string): Promise<string> => (await runShellLine(context, line)).output;
  const lines = async (line: string): Promise<string[]> => (await run(line)).split("\n");

  it("dbl lists every record, those a pattern matches, or those of a record type", async () => {
    expect(await lines("dbl")).toEqual([
      "bl:set",
      "bl:copy",
      "bl:count",
      "bl:in",
      "bl:shutter",
      "bl:sample",
      "bl:trace",
      "bl:note",
      "bl:delay",
    ]);
    expect(await lines('dbl ""')).toHaveLength(9);
    expect(await lines("dbl bl:c*")).toEqual(["bl:copy", "bl:count"]);
    expect(await lines('dbl "?l:s*t*"')).toEqual(["bl:set", "bl:shutter"]);
    expect(await lines("dbl ao")).toEqual(["bl:set", "bl:copy"]);
    expect(await run("dbl nothing:*")).toBe("");
  });

  it("dbpr shows the main fields at level 0 and every field from level 1, menus by name", async () => {
    const main = await run("dbpr bl:set");
    expect(main).toContain("NAME: bl:set");
    expect(main).toContain("RTYP: ao");
    expect(main).toContain("DESC: gap setpoint");
    // Never processed: UDF alarm, as EPICS shows it.
    expect(main).toMatch(/SCAN: Passive\b/);
    expect(main).toMatch(/STAT: UDF\b/);
    expect(main).toMatch(/SEVR: INVALID\b/);
    expect(main).not.toContain("EGU:");
    const all = await run("dbpr bl:set 1");
    expect(all).toContain("EGU: mm");
    expect(all).toContain("PREC: 2");
    expect(all).toContain("OUT: bl:copy PP NMS");
    expect(all).toContain("FLNK: bl:count");
    expect(all.split("\n").length).toBeGreaterThan(main.split("\n").length);
  });

  it("dbgf gets a field with its type; states are shown by name", async () => {
    expect(await run("dbgf bl:sample")).toBe("DBF_STRING: none");
    expect(await run("dbgf bl:set.EGU")).toBe("DBF_STRING: mm");
    expect(await run("dbgf bl:set.PREC")).toBe("DBF_SHORT: 2");
    expect(await run("dbgf bl:in.INP")).toBe("DBF_INLINK: bl:set NPP NMS");
    expect(await run("dbgf bl:set.SCAN")).toBe("DBF_STRING: Passive");
    expect(await run("dbgf bl:shutter")).toBe("DBF_STRING: Closed");
    // An array has the type of what it holds.
    expect(await run("dbpf bl:trace 2.5")).toBe("DBF_FLOAT: 2.5");
  });

  it("dbpf puts a long string (lso VAL)", async () => {
    expect(await run('dbpf bl:note "a long note"')).toBe("DBF_STRING: a long note");
  });

  it("dbpf puts as a CA put does: the record processes, its output link and FLNK too", async () => {
    expect(await run("dbpf bl:set 3.5")).toBe("DBF_DOUBLE: 3.5");
    expect(await run("dbgf bl:copy")).toBe("DBF_DOUBLE: 3.5");
    expect(await run("dbgf bl:count")).toBe("DBF_DOUBLE: 1");
    expect(await run("dbpr bl:set")).toMatch(/SEVR: NO_ALARM\b/);
    expect(await run('dbpf bl:sample "two words"')).toBe("DBF_STRING: two words");
    expect(await run("dbpf bl:shutter Open")).toBe("DBF_STRING: Open");
    expect(await run("dbpf bl:set.SCAN Passive")).toBe("DBF_STRING: Passive");
  });

  it("dbpf on a record busy with a delayed output puts at once, as dbPutField does", async () => {
    await run("dbpf bl:delay.PROC 1");
    expect(await run("dbgf bl:delay.PACT")).toBe("DBF_UCHAR: 1");
    expect(await run("dbpr bl:delay")).toMatch(/PACT: 1\b/);
    expect(await run('dbpf bl:delay.DESC "while busy"')).toBe("DBF_STRING: while busy");
    expect(await run("dbgf bl:delay.DESC")).toBe("DBF_STRING: while busy");
  });

  it("help lists the commands; exit ends the shell", async () => {
    const help = await run("help");
    for (const command of ["dbl", "dbpr", "dbgf", "dbpf", "casr", "help", "exit"]) {
      expect(help).toMatch(new RegExp(`^${command}\\b`, "m"));
    }
    expect(await runShellLine(context, "exit")).toEqual({ output: "", exit: true });
    expect(await runShellLine(context, "   ")).toEqual({ output: "" });
  });

  it("answers mistakes with one line naming them, and the shell goes on", async () => {
    expect(await run("dbgf bl:nope")).toBe('dbgf: no record "bl:nope"');
    expect(await run("dbgf bl:set.FOO")).toBe('dbgf: record "bl:set" (ao) has no field FOO');
    expect(await run("dbpr bl:nope")).toBe('dbpr: no record "bl:nope"');
    expect(await run("dbpf bl:set abc")).toBe('dbpf: bl:set.VAL: "abc" is not a number');
    expect(await run("dbgf bl:set")).toBe("DBF_DOUBLE: 3.5");
    expect(await run("dbpf bl:set")).toBe("usage: dbpf name.FIELD value");
    expect(await run("dbgf")).toBe("usage: dbgf name.FIELD");
    expect(await run("dbpr")).toBe("usage: dbpr name [level]");
    expect(await run("frobnicate x")).toBe('unknown command "frobnicate"; help lists the commands');
    expect(await run("casr")).toBe("no Channel Access server");
  });
});

describe("casr on a served database", () => {
  let ioc: Ioc;
  let client: CaClient;

  beforeAll(async () => {
    ioc = await Ioc.start({
      sources: [{ path: "shell.db" }],
      files: { read: (path) => (path === "shell.db" ? db : undefined) },
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
    });
    const port = ioc.server.udpPort;
    client = new CaClient({
      env: {
        EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
        EPICS_CA_AUTO_ADDR_LIST: "NO",
        EPICS_CA_REPEATER_PORT: String(port + 1),
      },
      timeout: 5,
    });
  });

  afterAll(async () => {
    await client?.close();
    await ioc?.close();
  });

  it("reports the port and, from level 1, each client with its channels", async () => {
    const context = { database: ioc.database, server: ioc.server };
    expect((await runShellLine(context, "casr")).output).toContain("0 client(s)");
    await client.channel("bl:set").connected();
    await client.channel("bl:sample").connected();
    const report = (await runShellLine(context, "casr 1")).output;
    expect(report).toContain(`TCP port ${ioc.server.tcpPort}`);
    expect(report).toContain("1 client(s)");
    expect(report).toMatch(/: 2 channel\(s\), 0 monitor\(s\)/);
  });
});

describe("dbcar on a served database", () => {
  it("counts the links to other IOCs' PVs and, from level 1, names those not connected", async () => {
    const ioc = await Ioc.start({
      sources: [{ path: "links.db" }],
      files: {
        read: (path) =>
          path === "links.db"
            ? `record(ao, "here") {}
               record(ai, "local") { field(INP, "here") }
               record(ai, "remote") { field(INP, "far:away CP") }`
            : undefined,
      },
      port: 0,
      interfaces: ["127.0.0.1"],
      env: {
        EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
        EPICS_CAS_BEACON_ADDR_LIST: "",
        // The remote name is searched for on loopback only, where nobody serves it.
        EPICS_CA_ADDR_LIST: "127.0.0.1",
        EPICS_CA_AUTO_ADDR_LIST: "NO",
      },
    });
    try {
      const context = { database: ioc.database, server: ioc.server };
      expect((await runShellLine(context, "dbcar")).output).toBe("1 CA link(s), 0 connected");
      expect((await runShellLine(context, "dbcar 1")).output).toBe(
        "1 CA link(s), 0 connected\n  remote.INP -> far:away: not connected",
      );
    } finally {
      await ioc.close();
    }
  });
});
