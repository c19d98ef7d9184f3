// The same database served by EPICS base's softIoc and by our IOC, and the same pyepics
// requests made of both: every answer, monitors included, must be the same.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ioc } from "../../../src/ioc/ioc.js";
import { startSoftIocScript, type SoftIoc } from "../../support/epics-peer.js";
import { epicsBase, pyepics } from "../../support/peers.js";
import { gaugeSubstitutions, gaugeTemplate, mainDb, startupScript } from "./beamline-db.js";
import { runSteps, type StepOutcome } from "./run-steps.js";
import { steps } from "./steps.js";

const peersPresent = epicsBase().available && pyepics().available;

describe.skipIf(!peersPresent)("hil's IOC against softIoc, seen through pyepics", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-ioc-diff-"));
  let softIoc: SoftIoc;
  let ours: Ioc;

  beforeAll(async () => {
    writeFileSync(join(dir, "main.db"), mainDb);
    writeFileSync(join(dir, "gauge.template"), gaugeTemplate);
    writeFileSync(join(dir, "gauges.substitutions"), gaugeSubstitutions);
    writeFileSync(join(dir, "st.cmd"), startupScript);
    softIoc = await startSoftIocScript("st.cmd", { cwd: dir });
    if (!softIoc.ready) throw new Error(`softIoc did not start:\n${softIoc.output()}`);
    ours = await Ioc.start({
      sources: [
        { path: join(dir, "main.db"), macros: new Map([["P", "x:"]]) },
        { path: join(dir, "gauges.substitutions") },
      ],
      port: 0,
      interfaces: ["127.0.0.1"],
      env: {
        EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
        EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
        // x:badlink's x:nowhere is searched for, on loopback only, as softIoc does.
        EPICS_CA_ADDR_LIST: "127.0.0.1",
        EPICS_CA_AUTO_ADDR_LIST: "NO",
      },
    });
  }, 30_000);

  afterAll(async () => {
    softIoc?.stop();
    await ours?.close();
  });

  it("gives the same answers to every request, monitors included", async () => {
    const [reference, seen] = await Promise.all([
      runSteps(softIoc.port, steps),
      runSteps(ours.server.tcpPort, steps),
    ]);
    const differences = compare(reference, seen);
    writeFileSync(join(dir, "differences.json"), JSON.stringify(differences, null, 1));
    expect(differences, `see ${join(dir, "differences.json")}`).toEqual([]);
  }, 120_000);
});

function compare(reference: StepOutcome[], seen: StepOutcome[]): string[] {
  const differences: string[] = [];
  reference.forEach((expected, i) => {
    const actual = seen[i]!;
    const a = JSON.stringify(expected.seen);
    const b = JSON.stringify(actual.seen);
    if (a !== b) differences.push(`#${i} ${expected.step}: softIoc ${a} | hil ${b}`);
  });
  return differences;
}
