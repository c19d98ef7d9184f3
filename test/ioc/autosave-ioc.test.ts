// Autosave through the IOC: fields named in info(autosaveFields) and changed by CA clients
// are saved within the period, and the next start restores them before PINI, so a PINI
// record's first processing sees the restored value. A damaged file restores nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { CaClient } from "../../src/ca/index.js";
import { Ioc } from "../../src/ioc/ioc.js";

const db = `
record(ao, "sv:gap") {
  field(DESC, "gap") field(PREC, "3") field(PINI, "YES") field(OUT, "sv:firstSeen PP")
  info(autosaveFields, "VAL DESC")
}
record(ao, "sv:firstSeen") { field(PREC, "3") }
record(stringout, "sv:name") { field(VAL, "none") info(autosaveFields, "VAL") }
record(ao, "sv:unsaved") { field(VAL, "1") }
record(waveform, "sv:trace") { field(FTVL, "DOUBLE") field(NELM, "4") info(autosaveFields, "VAL") }
`;

async function within(seconds: number, condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("autosave through the IOC", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-ioc-autosave-"));
  const dbFile = join(dir, "sv.db");
  const saveFile = join(dir, "ioc.sav");
  writeFileSync(dbFile, db);
  const running: { ioc?: Ioc; client?: CaClient } = {};

  async function start(log: string[] = []): Promise<{ ioc: Ioc; client: CaClient }> {
    const ioc = await Ioc.start({
      sources: [{ path: dbFile }],
      autosaveFile: saveFile,
      autosavePeriod: 0.05,
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
      log: (line) => log.push(line),
    });
    const port = ioc.server.udpPort;
    const client = new CaClient({
      env: {
        EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
        EPICS_CA_AUTO_ADDR_LIST: "NO",
        EPICS_CA_REPEATER_PORT: String(port + 1),
      },
      timeout: 5,
    });
    Object.assign(running, { ioc, client });
    return { ioc, client };
  }

  async function stop(): Promise<void> {
    await running.client?.close();
    await running.ioc?.close();
    running.client = undefined;
    running.ioc = undefined;
  }

  const get = async (client: CaClient, pv: string): Promise<unknown> =>
    (await client.channel(pv).get()).value[0];

  afterEach(stop);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("saves what CA clients put within the period, and restores it before PINI", async () => {
    const first = await start();
    expect(await get(first.client, "sv:firstSeen")).toBe(0);
    await first.client.channel("sv:gap").put(3.25, { wait: true });
    await first.client.channel("sv:gap.DESC").put("narrow gap", { wait: true });
    await first.client.channel("sv:name").put("sample-7", { wait: true });
    await first.client.channel("sv:unsaved").put(8, { wait: true });
    await first.client.channel("sv:trace").put([1.5, 2, 3], { wait: true });
    // Saved by the period's timer while the IOC runs, not only at close.
    const saved = (): string => (existsSync(saveFile) ? readFileSync(saveFile, "utf8") : "");
    await within(5, () => saved().includes("sv:name.VAL sample-7"), "the save");
    const text = saved();
    expect(text).toContain("sv:gap.VAL 3.25");
    expect(text).toContain("sv:gap.DESC narrow gap");
    expect(text).not.toContain("sv:unsaved");
    expect(text.trimEnd().endsWith("<END>")).toBe(true);
    await stop();

    const log: string[] = [];
    const second = await start(log);
    expect(await get(second.client, "sv:gap")).toBe(3.25);
    expect(await get(second.client, "sv:gap.DESC")).toBe("narrow gap");
    expect(await get(second.client, "sv:name")).toBe("sample-7");
    expect(await get(second.client, "sv:unsaved")).toBe(1);
    const trace = await second.client.channel("sv:trace").get();
    expect(Array.from(trace.value as Float64Array)).toEqual([1.5, 2, 3]);
    // PINI processed sv:gap with the restored value, which its OUT link wrote on.
    expect(await get(second.client, "sv:firstSeen")).toBe(3.25);
    expect(log.filter((line) => /autosave|\.sav/.test(line))).toEqual([]);
  });

  it("reports a damaged save file and applies none of it", async () => {
    // Cut short: no <END>, as a write interrupted half-way leaves it; the backup too.
    const damaged = "# save/restore V5.10\nsv:gap.VAL 9.5\nsv:name.VAL half\n";
    writeFileSync(saveFile, damaged);
    writeFileSync(`${saveFile}B`, damaged);
    const log: string[] = [];
    const { client } = await start(log);
    expect(await get(client, "sv:gap")).toBe(0);
    expect(await get(client, "sv:name")).toBe("none");
    expect(await get(client, "sv:firstSeen")).toBe(0);
    const problems = log.filter((line) => line.includes("not restored from it"));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(saveFile);
    expect(log).toContain(`${saveFile}: no usable save file; nothing restored`);
    // Each problem is said once.
    expect(new Set(log).size).toBe(log.length);
  });
});
