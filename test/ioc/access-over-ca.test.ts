// Access security of our IOC as CA clients see it: one .acf (UAG, HAG, ASG with a CALC rule
// on an INP record) and one .db served by `Ioc.start` and by EPICS base's softIoc. cainfo's
// access lines and caput's outcomes must be the same on both, before and after the CALC
// input changes; a write that reaches our IOC without rights is refused and logged with
// the client's user and host; an open channel is told when its rights change.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaClient, DBR, ECA } from "../../src/ca/index.js";
import { Ioc } from "../../src/ioc/ioc.js";
import { RawClient } from "../ca/server/helpers.js";
import { caEnvironment, epicsFolder, type SoftIoc, startSoftIoc } from "../support/epics-peer.js";
import { epicsBase } from "../support/peers.js";

const { username: user } = userInfo();
const host = hostname();

const acf = `
UAG(me) { "${user}" }
UAG(others) { "not-${user}" }
HAG(here) { "${host}" }
ASG(DEFAULT) { RULE(1, READ) }
ASG(OPEN) { RULE(1, READ) RULE(1, WRITE) }
ASG(MINE) { RULE(1, READ) RULE(0, WRITE) { UAG(me) HAG(here) } }
ASG(THEIRS) { RULE(1, READ) RULE(1, WRITE) { UAG(others) } }
ASG(GATED) {
  INPA("as:enable")
  RULE(1, READ)
  RULE(1, WRITE) { CALC("A=1") }
}
`;

const db = `
record(bo, "as:enable") { field(ASG, "OPEN") field(ZNAM, "Off") field(ONAM, "On") }
record(ao, "as:mine") { field(ASG, "MINE") }
record(ao, "as:theirs") { field(ASG, "THEIRS") }
record(ao, "as:gated") { field(ASG, "GATED") }
record(ao, "as:plain") {}
`;

const pvs = ["as:enable", "as:mine", "as:theirs", "as:gated", "as:plain"].flatMap((name) => [
  name,
  `${name}.DESC`,
]);

const run = promisify(execFile);
const tool = (name: string): string => join(epicsFolder, "bin", name);

/** cainfo's access line of each PV: "rw", "r-" or "--". */
async function cainfo(port: number): Promise<Record<string, string>> {
  const { stdout } = await run(tool("cainfo"), ["-w", "5", ...pvs], { env: caEnvironment(port) });
  const rights: Record<string, string> = {};
  let pv = "";
  for (const line of stdout.split("\n")) {
    if (/^\S/.test(line)) pv = line.trim();
    const access = /^\s+Access:\s+(no )?read, (no )?write/.exec(line);
    if (access) rights[pv] = `${access[1] ? "-" : "r"}${access[2] ? "-" : "w"}`;
  }
  return rights;
}

/** caput's outcome: "ok", or "denied" for libca's "Write access denied". */
async function caput(port: number, pv: string, value: string): Promise<string> {
  try {
    await run(tool("caput"), ["-w", "5", pv, value], { env: caEnvironment(port) });
    return "ok";
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "");
    if (stderr.includes("Write access denied")) return "denied";
    throw error;
  }
}

const puts: readonly (readonly [string, string])[] = [
  ["as:mine", "2"],
  ["as:mine.DESC", "mine"],
  ["as:theirs", "3"],
  ["as:gated", "4"],
  ["as:plain", "5"],
];

async function putOutcomes(port: number): Promise<string[]> {
  const outcomes: string[] = [];
  for (const [pv, value] of puts) outcomes.push(`${pv} ${await caput(port, pv, value)}`);
  return outcomes;
}

describe.skipIf(!epicsBase().available)("access security over Channel Access", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-ioc-as-"));
  let ours: Ioc;
  let softIoc: SoftIoc;

  beforeAll(async () => {
    writeFileSync(join(dir, "as.acf"), acf);
    writeFileSync(join(dir, "as.db"), db);
    [softIoc, ours] = await Promise.all([
      startSoftIoc("as.db", { acf: "as.acf", cwd: dir, timeoutMs: 15_000 }),
      startOurs(dir, []),
    ]);
    if (!softIoc.ready) throw new Error(`softIoc did not start:\n${softIoc.output()}`);
  }, 20_000);

  afterAll(async () => {
    softIoc?.stop();
    await ours?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives each field its rights by ASG and level, as softIoc does", async () => {
    const [theirs, seen] = await Promise.all([cainfo(softIoc.port), cainfo(ours.server.tcpPort)]);
    expect(seen).toEqual({
      "as:enable": "rw",
      "as:enable.DESC": "rw",
      // RULE(0, WRITE): VAL is ASL0, DESC is ASL1.
      "as:mine": "rw",
      "as:mine.DESC": "r-",
      "as:theirs": "r-",
      "as:theirs.DESC": "r-",
      // as:enable is 0: CALC("A=1") does not grant.
      "as:gated": "r-",
      "as:gated.DESC": "r-",
      "as:plain": "r-",
      "as:plain.DESC": "r-",
    });
    expect(seen).toEqual(theirs);
  }, 20_000);

  it("refuses the same caputs as softIoc and takes the others", async () => {
    const [theirs, seen] = await Promise.all([
      putOutcomes(softIoc.port),
      putOutcomes(ours.server.tcpPort),
    ]);
    expect(seen).toEqual([
      "as:mine ok",
      "as:mine.DESC denied",
      "as:theirs denied",
      "as:gated denied",
      "as:plain denied",
    ]);
    expect(seen).toEqual(theirs);
    expect(ours.database.record("as:mine")!.num("VAL")).toBe(2);
    expect(ours.database.record("as:theirs")!.num("VAL")).toBe(0);
  }, 30_000);

  it("follows the CALC rule's input: new channels see the new rights, as on softIoc", async () => {
    const port = ours.server.tcpPort;
    expect(await caput(port, "as:enable", "On")).toBe("ok");
    expect(await caput(softIoc.port, "as:enable", "On")).toBe("ok");
    const seen = await cainfo(port);
    expect([seen["as:gated"], seen["as:gated.DESC"]]).toEqual(["rw", "rw"]);
    // softIoc's asLib takes the new value on its own thread: give it a moment.
    let theirs = await cainfo(softIoc.port);
    for (let tries = 0; theirs["as:gated"] !== "rw" && tries < 30; tries++) {
      await new Promise((done) => setTimeout(done, 100));
      theirs = await cainfo(softIoc.port);
    }
    expect(seen).toEqual(theirs);
    expect(await caput(port, "as:gated", "4")).toBe("ok");
    expect(ours.database.record("as:gated")!.num("VAL")).toBe(4);
  }, 30_000);
});

/** Our IOC on loopback with the .acf, its log lines kept. */
async function startOurs(dir: string, logged: string[]): Promise<Ioc> {
  return Ioc.start({
    sources: [{ path: join(dir, "as.db") }],
    acfFile: join(dir, "as.acf"),
    port: 0,
    interfaces: ["127.0.0.1"],
    env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
    log: (line) => logged.push(line),
  });
}

describe("access security of our IOC, with our client and raw requests", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-ioc-as-"));
  const logged: string[] = [];
  let ours: Ioc;
  let client: CaClient;

  beforeAll(async () => {
    writeFileSync(join(dir, "as.acf"), acf);
    writeFileSync(join(dir, "as.db"), db);
    ours = await startOurs(dir, logged);
    const port = ours.server.udpPort;
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
    await ours?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a write sent without rights, over the wire", async () => {
    // libca never sends such a write (it refuses at home); an old or hostile client may.
    const raw = await RawClient.open(ours.server.tcpPort);
    try {
      const { sid, rights } = await raw.create("as:theirs");
      expect(rights & 2).toBe(0);
      raw.send({
        type: "WriteNotifyRequest",
        sid,
        ioid: 9,
        dataType: DBR.DOUBLE,
        dataCount: 1,
        data: { value: [7] },
      });
      const answer = await raw.next("WriteNotifyResponse", (m) => m.ioid === 9);
      expect(answer.ecaStatus).toBe(ECA.NOWTACCESS);
    } finally {
      raw.close();
    }
    expect(ours.database.record("as:theirs")!.num("VAL")).toBe(0);
  });

  it("logs that refused write with the client's user and host", () => {
    const refusals = logged.filter((line) => line.includes("as:theirs.VAL refused"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('user "tester" on host "testhost"');
    expect(refusals[0]).toContain("ASG THEIRS, ASL0");
  });

  it("tells an open channel at once when the CALC input gives or takes its write right", async () => {
    const gated = client.channel("as:gated");
    await gated.connected();
    expect(gated.accessRights).toEqual({ read: true, write: false });
    const enable = client.channel("as:enable");
    const next = (): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const stop = gated.on("accessRights", (rights) => {
          stop();
          resolve(rights);
        });
        setTimeout(() => reject(new Error("no ACCESS_RIGHTS within 3 s")), 3000).unref();
      });
    const granted = next();
    await enable.put("On", { wait: true });
    expect(await granted).toEqual({ read: true, write: true });
    await gated.put(4, { wait: true });
    const revoked = next();
    await enable.put("Off", { wait: true });
    expect(await revoked).toEqual({ read: true, write: false });
    await expect(gated.put(9)).rejects.toThrow();
    expect(ours.database.record("as:gated")!.num("VAL")).toBe(4);
  });

  it("moves a record to another group when a client puts its ASG, telling open channels", async () => {
    const enable = client.channel("as:enable");
    await enable.connected();
    expect(enable.accessRights).toEqual({ read: true, write: true });
    const revoked = new Promise((resolve, reject) => {
      enable.on("accessRights", resolve);
      setTimeout(() => reject(new Error("no ACCESS_RIGHTS within 3 s")), 3000).unref();
    });
    await client.channel("as:enable.ASG").put("DEFAULT", { wait: true });
    expect(await revoked).toEqual({ read: true, write: false });
  });
});

describe("a CALC rule's input on another IOC", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-ioc-as-remote-"));
  const quiet = { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" };
  let central: Ioc | undefined;
  let beamline: Ioc;
  let client: CaClient;

  const clientOf = (port: number): CaClient =>
    new CaClient({
      env: {
        EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
        EPICS_CA_AUTO_ADDR_LIST: "NO",
        EPICS_CA_REPEATER_PORT: String(port + 1),
      },
      timeout: 5,
    });

  beforeAll(async () => {
    writeFileSync(join(dir, "central.db"), `record(bo, "cen:enable") {}\n`);
    writeFileSync(join(dir, "bl.db"), `record(ao, "bl:gated") { field(ASG, "REMOTE") }\n`);
    writeFileSync(
      join(dir, "bl.acf"),
      `ASG(DEFAULT) { RULE(1, READ) }
       ASG(REMOTE) { INPA("cen:enable") RULE(1, READ) RULE(1, WRITE) { CALC("A=1") } }`,
    );
    central = await Ioc.start({
      sources: [{ path: join(dir, "central.db") }],
      port: 0,
      interfaces: ["127.0.0.1"],
      env: quiet,
    });
    const port = central.server.udpPort;
    beamline = await Ioc.start({
      sources: [{ path: join(dir, "bl.db") }],
      acfFile: join(dir, "bl.acf"),
      port: 0,
      interfaces: ["127.0.0.1"],
      env: {
        ...quiet,
        EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
        EPICS_CA_AUTO_ADDR_LIST: "NO",
        EPICS_CA_REPEATER_PORT: String(port + 1),
      },
    });
    client = clientOf(beamline.server.udpPort);
  });

  afterAll(async () => {
    await client?.close();
    await beamline?.close();
    await central?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("grants while the remote PV says so, and takes it back when that IOC goes away", async () => {
    const gated = client.channel("bl:gated");
    await gated.connected();
    expect(gated.accessRights).toEqual({ read: true, write: false });
    const next = (): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const stop = gated.on("accessRights", (rights) => {
          stop();
          resolve(rights);
        });
        setTimeout(() => reject(new Error("no ACCESS_RIGHTS within 5 s")), 5000).unref();
      });
    const granted = next();
    const centralClient = clientOf(central!.server.udpPort);
    await centralClient.channel("cen:enable").put(1, { wait: true });
    await centralClient.close();
    expect(await granted).toEqual({ read: true, write: true });
    await gated.put(2.5, { wait: true });
    // A disconnected input is invalid: the CALC rule no longer grants.
    const revoked = next();
    await central!.close();
    central = undefined;
    expect(await revoked).toEqual({ read: true, write: false });
  });
});
