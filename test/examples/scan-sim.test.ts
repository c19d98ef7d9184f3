import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../src/core/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("examples/scan-sim.ts", () => {
  it("prints every document of a 21-point scan as one [name, doc] line, and nothing else", () => {
    const stdout = execFileSync(process.execPath, ["--import", "tsx", "examples/scan-sim.ts"], {
      cwd: root,
      encoding: "utf8",
    });
    const docs = stdout
      .trimEnd()
      .split("\n")
      .map((line) => parseDocument(JSON.parse(line)));
    expect(docs.map(([name]) => name)).toEqual([
      "start",
      "descriptor",
      ...Array<string>(21).fill("event"),
      "stop",
    ]);
    expect(docs.at(-1)).toMatchObject(["stop", { exit_status: "success" }]);
  });
});
