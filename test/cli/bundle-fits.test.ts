// When bin/hil.js runs the bundle: only while it is newer than every source and no plan
// module is named; anything it cannot read sends it to the sources.
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error bin/ is plain JavaScript without type declarations
import { bundleFits } from "../../bin/bundle-fits.js";

const fits = bundleFits as (root: string, args: readonly string[]) => boolean;
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A checkout whose sources were last changed at t=1000 s and whose bundle at `bundleAt`. */
function checkout(bundleAt: number): string {
  const root = mkdtempSync(join(tmpdir(), "hil-bundle-fits-"));
  roots.push(root);
  for (const folder of ["src/cli", "sim", "drivers", "dist"])
    mkdirSync(join(root, folder), { recursive: true });
  const files = ["package.json", "src/cli/main.ts", "sim/index.ts", "drivers/index.ts"];
  for (const file of files) writeFileSync(join(root, file), "");
  for (const path of [...files, "src/cli", "src", "sim", "drivers"])
    utimesSync(join(root, path), 1000, 1000);
  writeFileSync(join(root, "dist/hil.mjs"), "");
  utimesSync(join(root, "dist/hil.mjs"), bundleAt, bundleAt);
  return root;
}

const scan = ["run", "scan", "det", "m1", "-1", "1", "21", "--config", "config/sim-beamline.yaml"];

describe("bin/hil.js's choice of the bundle", () => {
  it("runs a fresh bundle for built-in plans and other commands, with options before the plan", () => {
    const root = checkout(2000);
    expect(fits(root, scan)).toBe(true);
    expect(fits(root, ["run", "--config", "config/a.yaml", "--out=out", "count", "det"])).toBe(
      true,
    );
    expect(fits(root, ["serve", "--config", "config/sim-beamline.yaml"])).toBe(true);
  });

  it("runs the sources for a plan module however it is named, and for --plans", () => {
    const root = checkout(2000);
    expect(fits(root, ["run", "plans/align.ts"])).toBe(false);
    expect(fits(root, ["run", "--config", "c.yaml", "./plans/align"])).toBe(false);
    expect(fits(root, ["run", "align.js"])).toBe(false);
    expect(fits(root, ["serve", "--plans", "plans/align.ts"])).toBe(false);
    expect(fits(root, ["serve", "--plans=plans/align.ts"])).toBe(false);
  });

  it("runs the sources when a source is newer or was deleted, and is not thrown off by an editor's lock link or a dangling one", () => {
    const root = checkout(2000);
    utimesSync(join(root, "sim/index.ts"), 3000, 3000);
    expect(fits(root, scan)).toBe(false);

    const deleted = checkout(2000);
    unlinkSync(join(deleted, "drivers/index.ts")); // its folder's time is now
    expect(fits(deleted, scan)).toBe(false);

    const locked = checkout(Date.now() / 1000 + 60);
    symlinkSync("nobody@host.1234", join(locked, "src/cli/.#main.ts")); // an editor's lock link
    expect(fits(locked, scan)).toBe(true); // lstat reads the link itself
    symlinkSync(join(locked, "src/gone"), join(locked, "src/dangling"));
    expect(fits(locked, scan)).toBe(true);
  });

  it("runs the sources without a bundle", () => {
    const root = checkout(2000);
    rmSync(join(root, "dist/hil.mjs"));
    expect(fits(root, scan)).toBe(false);
  });
});
