// Whether bin/hil.js may run the bundle dist/hil.mjs rather than the sources through tsx.
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The newest change under the sources (a deleted file changes its folder), or Infinity when
 * one cannot be read (an editor's lock link, a file gone while listing): then the sources run.
 */
function newestSource(root) {
  try {
    let newest = lstatSync(join(root, "package.json")).mtimeMs;
    for (const folder of ["src", "sim", "drivers"]) {
      newest = Math.max(newest, lstatSync(join(root, folder)).mtimeMs);
      for (const entry of readdirSync(join(root, folder), { recursive: true })) {
        newest = Math.max(newest, lstatSync(join(root, folder, String(entry))).mtimeMs);
      }
    }
    return newest;
  } catch {
    return Infinity;
  }
}

/** Whether `hil run <plan>` names a module, by the rule hil run applies (src/cli/plan-module.ts). */
function isPlanModule(plan) {
  return /[\\/]/.test(plan) || /\.(ts|js|mjs)$/.test(plan);
}

/** The plan argument of `hil run`: its first argument that is no option nor an option's value. */
function planArgument(args) {
  for (let i = 1; i < args.length; i++) {
    if (!args[i].startsWith("-")) return args[i];
    if (!args[i].includes("=")) i++; // every option of hil run takes a value
  }
  return undefined;
}

/**
 * The bundle fits when it is newer than every source and no plan module is named (a
 * TypeScript file that must share the sources' modules: `hil run plans/align.ts`,
 * `hil serve --plans …`).
 * @param {string} root the checkout
 * @param {readonly string[]} args the command line after `hil`
 * @returns {boolean}
 */
export function bundleFits(root, args) {
  const plan = args[0] === "run" ? planArgument(args) : undefined;
  const namesModule =
    args.some((a) => a === "--plans" || a.startsWith("--plans=")) ||
    (plan !== undefined && isPlanModule(plan));
  const bundle = join(root, "dist/hil.mjs");
  return !namesModule && existsSync(bundle) && lstatSync(bundle).mtimeMs >= newestSource(root);
}
