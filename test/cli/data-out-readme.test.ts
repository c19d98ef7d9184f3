// The README's "Data out" section run as a reader would, each line through bash with `hil` on
// the PATH, in the checkout (its runs go to out/, as the README says): a scan, the catalog's
// commands on it, and the data sockets of config/lab-sockets.yaml asked as PyExpLabSys asks.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { askUdp } from "../support/udp-ask.js";
import { readmeSection } from "../support/readme.js";
import { hilOnPath, shellLine } from "../support/readme-shell.js";

const lines = readmeSection("## Data out").shellLines;
const dir = hilOnPath();
const env = { PATH: `${dir}:${process.env.PATH}` };

async function run(line: string): Promise<string> {
  const shell = shellLine(line, env);
  expect(await shell.done, `${line}\n${shell.output()}`).toBe(0);
  return shell.output();
}

describe("the README's Data out section", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a run with its NeXus file, then lists, shows, exports and reindexes it", async () => {
    const [scan, ls, show, exported, reindex] = lines;
    expect(lines.map((l) => l.split(" ").slice(0, 3).join(" ")).slice(0, 5)).toEqual([
      "hil run scan",
      "hil runs ls",
      "hil runs show",
      "hil runs export",
      "hil runs reindex",
    ]);
    const wrote = await run(scan!);
    const uid = /-scan-([0-9a-f]{8})\.nxs/.exec(wrote)?.[1];
    expect(uid, wrote).toBeDefined();
    expect(await run(ls!)).toContain(uid!);
    expect(await run(show!)).toContain(uid!);
    const csv = (await run(exported!)).trim().split("\n");
    expect(csv).toHaveLength(12); // a header and the 11 points
    expect(await run(reindex!)).toMatch(/\d+ runs?/);
  }, 120_000);

  it("serves the lab's sockets, answering as PyExpLabSys's do", async () => {
    const serve = lines.find((l) => l.startsWith("hil sockets"))!;
    const served = shellLine(serve, env);
    try {
      await served.waitFor("Ctrl-C stops it");
      expect(await askUdp(9000, "codenames_json")).toBe('["m1", "det", "temperature", "setpoint"]');
      expect(await askUdp(9000, "nonsense")).toBe("UNKNOWN_COMMMAND");
    } finally {
      served.kill();
      await served.done;
    }
  }, 60_000);
});
