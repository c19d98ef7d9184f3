#!/usr/bin/env node
// The package ships TypeScript sources. `npm ci` (prepare) also bundles the CLI into
// dist/hil.mjs, which starts in a fraction of the time tsx takes to compile and load some
// two hundred modules: an IOC serves sooner. The bundle is used while it is newer than every
// source; after an edit, or for `hil run` of a plan module (a TypeScript file that must share
// the sources' modules, or `hil serve --plans` of such modules), tsx compiles the sources as
// they load.
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

const runsPlanModule = process.argv[2] === "run" || process.argv.includes("--plans");
if (!runsPlanModule && existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
