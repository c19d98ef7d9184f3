#!/usr/bin/env node
// The package ships TypeScript sources. `npm ci` (prepare) also bundles the CLI into
// dist/hil.mjs, which starts in a fraction of the time tsx takes to compile and load some
// two hundred modules (and HDF5's 4 MB of JavaScript, which tsx takes seconds over): an IOC
// serves sooner, a scan ends sooner. The bundle is used while it is newer than every source;
// after an edit, or for a plan module (`hil run plans/align.ts`, `hil serve --plans`: a
// TypeScript file that must share the sources' modules), tsx compiles the sources as they
// load.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist/hil.mjs");

function newestSource() {
  let newest = statSync(join(root, "package.json")).mtimeMs;
  for (const folder of ["src", "sim", "drivers"]) {
    for (const entry of readdirSync(join(root, folder), { recursive: true })) {
      newest = Math.max(newest, statSync(join(root, folder, String(entry))).mtimeMs);
    }
  }
  return newest;
}

const args = process.argv.slice(2);
const runsPlanModule =
  args.includes("--plans") || (args[0] === "run" && args.some((a) => /\.[cm]?[jt]s$/.test(a)));
if (!runsPlanModule && existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
