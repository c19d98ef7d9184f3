// The README's "Data out" section run as a reader would, each line through bash with `hil` on
// the PATH: a scan, the catalog's commands on it, and the data sockets of
// config/lab-sockets.yaml asked as PyExpLabSys asks. It runs in a folder of its own that
// links the checkout's config/, so its out/ holds its runs only.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { askUdp } from "../support/udp-ask.js";
import { readmeSection } from "../support/readme.js";
import { hilOnPath, shellLine } from "../support/readme-shell.js";
import { root } from "./run-hil.js";

const lines = readmeSection("## Data out").shellLines;
const dir = hilOnPath();
const env = { PATH: `${dir}:${process.env.PATH}` };
const cwd = mkdtempSync(join(tmpdir(), "hil-data-out-"));
symlinkSync(join(root, "config"), join(cwd, "config"));

async function run(line: string): Promise<string> {
  const shell = shellLine(line, env, cwd);
  expect(await shell.done, `${line}\n${shell.output()}`).toBe(0);
  return shell.output();
}

describe("the README's Data out section", () => {
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  });

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
    const served = shellLine(serve, env, cwd);
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
