#!/usr/bin/env node
// The package ships TypeScript sources. `npm ci` (prepare) also bundles the CLI into
// dist/hil.mjs, which starts in a fraction of the time tsx takes to compile and load some
// two hundred modules (and HDF5's 4 MB of JavaScript, which tsx takes seconds over): an IOC
// serves sooner, a scan ends sooner. The bundle is used while it is newer than every source;
// after an edit, or for a plan module (`hil run plans/align.ts`, `hil serve --plans`: a
// TypeScript file that must share the sources' modules), tsx compiles the sources as they
// load.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleFits } from "./bundle-fits.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (bundleFits(root, process.argv.slice(2))) {
  await import(pathToFileURL(join(root, "dist/hil.mjs")).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
