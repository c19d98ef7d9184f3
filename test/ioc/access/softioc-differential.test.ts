// One .acf file and one database go to EPICS base's softIoc (`-a`) and to AccessSecurity:
// for the identity this machine's CA tools send (the OS user and host name), cainfo's
// access rights on every record's VAL (ASL0) and DESC (ASL1) must be ours, before and after
// a CALC rule's input changes; and caput is refused exactly where we refuse.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccessSecurity,
  type AsInputs,
  type AsLevel,
  describeRefusal,
  parseAcf,
} from "../../../src/ioc/access/index.js";
import {
  type SoftIoc,
  caEnvironment,
  epicsFolder,
  startSoftIoc,
} from "../../support/epics-peer.js";
import { epicsBase } from "../../support/peers.js";

const identity = { user: userInfo().username, host: hostname() };

// No DEFAULT: records without an ASG (or with an unknown one) get no access.
const acf = `
UAG(me) { "${identity.user}" }
UAG(other) { "not-${identity.user}" }
UAG(upper) { "${identity.user.toUpperCase()}" }
HAG(here) { "${identity.host.toUpperCase()}" }
HAG(away) { "far.away.invalid" }
ASG(MINE) { RULE(1, READ) RULE(1, WRITE) { UAG(me) } }
ASG(THEIRS) { RULE(1, READ) RULE(1, WRITE) { UAG(other) } }
ASG(UPPER) { RULE(1, READ) RULE(1, WRITE) { UAG(upper) } }
ASG(HERE) { RULE(1, READ) RULE(1, WRITE) { HAG(here) } }
ASG(AWAY) { RULE(1, READ) RULE(1, WRITE) { UAG(me) HAG(away) } }
ASG(LEVEL0) { RULE(0, WRITE) RULE(1, READ) }
ASG(GATED) { INPA("as:enable") RULE(1, READ) RULE(1, WRITE, TRAPWRITE) { CALC("A=1") } }
ASG(CONST) { INPA("as:enable") RULE(1, READ) RULE(1, WRITE) { CALC("1") } }
ASG(UNSET) { INPA("as:enable") RULE(1, READ) RULE(1, WRITE) { CALC("A=1 && C=0") } }
ASG(OPEN) { RULE(1, WRITE) }
ASG(NORULES)
`;

/** Record name -> its ASG field ("" for none). */
const records: Readonly<Record<string, string>> = {
  "as:mine": "MINE",
  "as:theirs": "THEIRS",
  "as:upper": "UPPER",
  "as:here": "HERE",
  "as:away": "AWAY",
  "as:level0": "LEVEL0",
  "as:gated": "GATED",
  "as:const": "CONST",
  "as:unset": "UNSET",
  "as:norules": "NORULES",
  "as:none": "",
  "as:unknown": "NOSUCH",
};

const database =
  Object.entries(records)
    .map(([name, asg]) => `record(ao, "${name}") { ${asg ? `field(ASG, "${asg}")` : ""} }\n`)
    .join("") + `record(bo, "as:enable") { field(ASG, "OPEN") }\n`;

const fields: readonly (readonly [string, AsLevel])[] = Object.keys(records).flatMap((name) => [
  [name, 0] as const,
  [`${name}.DESC`, 1] as const,
]);

const run = promisify(execFile);
const tool = (name: string) => join(epicsFolder, "bin", name);

/** cainfo's "Access:" line of each PV, as our rights: 0, 1 or 3. */
async function softIocRights(port: number): Promise<Record<string, number>> {
  const pvs = fields.map(([pv]) => pv);
  const { stdout } = await run(tool("cainfo"), ["-w", "5", ...pvs], { env: caEnvironment(port) });
  const rights: Record<string, number> = {};
  let pv = "";
  for (const line of stdout.split("\n")) {
    if (/^\S/.test(line)) pv = line.trim();
    const access = /^\s+Access:\s+(no )?read, (no )?write/.exec(line);
    if (access) rights[pv] = (access[1] ? 0 : 1) | (access[2] ? 0 : 2);
  }
  return rights;
}

/** Whether caput's write went through; softIoc's refusal is "Write access denied". */
async function caput(port: number, pv: string, value: string): Promise<boolean> {
  try {
    await run(tool("caput"), ["-w", "5", pv, value], { env: caEnvironment(port) });
    return true;
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? "");
    if (stderr.includes("Write access denied")) return false;
    throw e;
  }
}

class SetInputs implements AsInputs {
  private readonly listeners = new Map<string, (value: number, valid: boolean) => void>();
  subscribe(pv: string, listener: (value: number, valid: boolean) => void): () => void {
    this.listeners.set(`${pv}#${this.listeners.size}`, listener);
    return () => undefined;
  }
  set(pv: string, value: number): void {
    for (const [key, listener] of this.listeners)
      if (key.startsWith(`${pv}#`)) listener(value, true);
  }
}

function ourRights(security: AccessSecurity): Record<string, number> {
  const rights: Record<string, number> = {};
  for (const [pv, level] of fields) {
    rights[pv] = security.access(records[pv.replace(/\.DESC$/, "")]!, level, identity).rights;
  }
  return rights;
}

describe.skipIf(!epicsBase().available)("access security against softIoc -a", () => {
  let directory = "";
  let ioc: SoftIoc | undefined;
  const inputs = new SetInputs();
  const security = AccessSecurity.fromConfig(parseAcf(acf), { inputs });

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "epics-as-"));
    writeFileSync(join(directory, "as.acf"), acf);
    writeFileSync(join(directory, "as.db"), database);
    ioc = await startSoftIoc("as.db", { acf: "as.acf", cwd: directory, timeoutMs: 15_000 });
    if (!ioc.ready) throw new Error(`softIoc did not start:\n${ioc.output()}`);
  }, 20_000);

  afterAll(() => {
    ioc?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it("gives every field the rights softIoc gives, with the CALC input still undefined", async () => {
    const theirs = await softIocRights(ioc!.port);
    expect(Object.keys(theirs)).toHaveLength(fields.length);
    expect(ourRights(security)).toEqual(theirs);
    // Not all the same: the file tells the cases apart.
    expect(new Set(Object.values(theirs))).toEqual(new Set([0, 1, 3]));
  }, 20_000);

  it("refuses caput where we refuse it, and accepts it where we accept it", async () => {
    const port = ioc!.port;
    for (const pv of ["as:mine", "as:theirs", "as:level0", "as:level0.DESC", "as:none"]) {
      const client = security.client(
        records[pv.replace(/\.DESC$/, "")]!,
        pv.endsWith(".DESC") ? 1 : 0,
        identity,
      );
      const accepted = await caput(port, pv, pv.endsWith(".DESC") ? "d" : "2");
      expect([pv, accepted]).toEqual([pv, client.canWrite]);
      if (!accepted) expect(describeRefusal(pv, client)).toContain(JSON.stringify(identity.user));
      client.close();
    }
  }, 30_000);

  it("changes the same rights as softIoc when the CALC input becomes valid", async () => {
    const port = ioc!.port;
    const gated = security.client("GATED", 0, identity);
    const pushed: number[] = [];
    gated.onChange((access) => pushed.push(access.rights));
    expect(await caput(port, "as:enable", "1")).toBe(true);
    inputs.set("as:enable", 1);
    let theirs = await softIocRights(port);
    for (let tries = 0; theirs["as:gated"] !== 3 && tries < 30; tries++) {
      await new Promise((done) => setTimeout(done, 100));
      theirs = await softIocRights(port);
    }
    expect(ourRights(security)).toEqual(theirs);
    expect(pushed).toEqual([3]);
    expect(gated.trapWrite).toBe(true);
  }, 30_000);
});
