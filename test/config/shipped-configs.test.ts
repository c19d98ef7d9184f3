// Every config shipped under config/ passes `hil validate`, as it is and with --profile sim:
// each names only drivers there are, with parameters they take.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hil, root } from "../cli/run-hil.js";

const configs = readdirSync(join(root, "config"))
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => `config/${name}`);

describe("the shipped configs", () => {
  it("are there", () => {
    expect(configs).toContain("config/beamline.yaml");
  });

  for (const config of configs) {
    for (const profile of [undefined, "sim"]) {
      const args = profile ? ["--profile", profile] : [];
      it(`hil validate ${[config, ...args].join(" ")} succeeds`, async () => {
        const result = await hil(["validate", config, ...args]);
        expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
        expect(result.stdout).toMatch(/: \d+ devices/);
      });
    }
  }
});
