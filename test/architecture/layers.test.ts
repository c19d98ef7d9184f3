// The import rules of the layer map: imports point down a tier, folders of one tier do not
// import each other, and one folder reaches another only through its index.ts.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Each layer's folder and tier, bottom up. */
const layers: ReadonlyArray<readonly [string, number]> = [
  ["src/core", 0],
  ["src/transports", 1],
  ["src/ca", 1],
  ["drivers", 2],
  ["sim", 2],
  ["src/engine", 3],
  ["src/plans", 3],
  ["src/callbacks", 3],
  ["src/ioc", 3],
  ["src/config", 4],
  ["src/server", 5],
  // The client speaks to the server (its replies' schemas), the CLI composes everything.
  ["src/client", 6],
  ["src/cli", 7],
];

function layerOf(path: string): readonly [string, number] | undefined {
  return layers.find(([folder]) => path === folder || path.startsWith(`${folder}/`));
}

/** A layer's public entry; each instrument under drivers/ has its own. */
function entryOf(folder: string, target: string): string {
  if (folder !== "drivers") return `${folder}/index.ts`;
  return `${target.split("/").slice(0, 2).join("/")}/index.ts`;
}

/**
 * Second entries that load less than the index: the server's wire shapes, so a client
 * takes its schemas without the queue's database and the HTTP server.
 */
const lightEntries = new Set(["src/server/wire.ts"]);

function sourceFiles(folder: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, folder), { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function relativeImports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((m) => m[1]!);
  return specifiers.map((s) =>
    relative(root, resolve(root, dirname(file), s)).replace(/\.js$/, ".ts"),
  );
}

function violations(): string[] {
  const found: string[] = [];
  for (const [folder, tier] of layers) {
    for (const file of sourceFiles(folder)) {
      for (const target of relativeImports(file)) {
        const layer = layerOf(target);
        if (!layer) {
          found.push(`${file} imports ${target}, which is in no layer`);
          continue;
        }
        const [targetFolder, targetTier] = layer;
        if (targetFolder === folder) continue;
        if (targetTier >= tier) {
          found.push(`${file} (tier ${tier}) imports ${target} (tier ${targetTier})`);
        } else if (target !== entryOf(targetFolder, target) && !lightEntries.has(target)) {
          found.push(`${file} imports ${target} instead of ${entryOf(targetFolder, target)}`);
        }
      }
    }
  }
  return found;
}

describe("the layer map", () => {
  it("finds the layers' sources", () => {
    expect(sourceFiles("src/core").length).toBeGreaterThan(5);
    expect(relativeImports("sim/devices/sim-motor.ts")).toContain("src/core/index.ts");
  });

  it("has every import pointing down a tier, through the folder's index.ts", () => {
    expect(violations()).toEqual([]);
  });
});
