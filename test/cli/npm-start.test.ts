// The README's first command, `npm start`, as a newcomer runs it in the checkout: a 21-point
// scan on the simulated beamline with its live table, peak statistics and files.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { readmeSection } from "../support/readme.js";
import { root } from "./run-hil.js";

const run = promisify(execFile);

describe("npm start", () => {
  it("is the README's main job and prints the table, the peak and the files it wrote", async () => {
    expect(readmeSection("## Two commands").shellLines[0]).toMatch(/^npm ci && npm start\b/);
    const { stdout, stderr } = await run("npm", ["start", "--silent"], { cwd: root });
    const output = stdout + stderr;
    expect(output).toMatch(/\|\s+seq_num \|\s+time \|\s+m1 \|\s+det \|/);
    expect(output.match(/^\|\s+\d+ \|/gm)).toHaveLength(21);
    expect(output).toMatch(/peak stats of det against m1:\n\s+cen\s+-?\d/);
    const wrote = /wrote (\S+\.jsonl)\n\s+(\S+\.csv)\n\s+(\S+\.svg)\n\s+(\S+\.nxs)/.exec(output);
    expect(wrote, output).not.toBeNull();
    for (const file of wrote!.slice(1)) expect(existsSync(join(root, file))).toBe(true);
  }, 120_000);
});
