// `hil run` writes every run as NeXus beside its JSONL: a fly scan's file opens in h5py with
// the camera's frames in the shape its descriptor declares, in /entry/data and in the
// camera's group of /entry/instrument.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readJsonl } from "../../../src/callbacks/index.js";
import type { EventDescriptor } from "../../../src/core/index.js";
import { hil } from "../../cli/run-hil.js";
import { h5py } from "../../support/peers.js";

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), "hil-nexus-"));

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Shape, dtype and first value of each dataset asked for, as h5py sees them. */
const READER = `
import json, sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    print(json.dumps({p: {"shape": list(f[p].shape), "dtype": str(f[p].dtype)} for p in sys.argv[2:]}))
`;

describe.skipIf(!h5py().available)("hil run writes NeXus", () => {
  it(
    "writes <stem>.nxs for a fly scan, /entry/data/cam in the descriptor's shape",
    { timeout: 120_000 },
    async () => {
      const num = 300;
      const frames = join(out, "frames");
      const args = ["run", "fly_scan", "det,cam", "m1", "-1", "1", String(num)];
      const result = await hil([...args, "--config", "config/sim-beamline.yaml", "--out", out], {
        HIL_FRAMES_DIR: frames,
      });
      expect(result.code, result.stderr).toBe(0);
      const names = readdirSync(out);
      const jsonl = names.find((name) => name.endsWith(".jsonl"))!;
      const nexus = names.find((name) => name.endsWith(".nxs"))!;
      expect(nexus).toBe(jsonl.replace(/\.jsonl$/, ".nxs"));
      const docs = readJsonl(join(out, jsonl));
      const descriptor = docs.find(
        ([name, doc]) => name === "descriptor" && doc.name === "primary",
      )![1] as EventDescriptor;
      const paths = ["/entry/data/cam", "/entry/data/det", "/entry/data/m1"];
      const instrument = ["/entry/instrument/cam/data", "/entry/instrument/m1/value"];
      const read = spawnSync(
        "/usr/bin/python3",
        ["-c", READER, join(out, nexus), ...paths, ...instrument],
        {
          encoding: "utf8",
          timeout: 60_000,
          cwd: here,
        },
      );
      expect(read.status, read.stderr).toBe(0);
      const shapes = JSON.parse(read.stdout) as Record<string, { shape: number[]; dtype: string }>;
      expect(shapes["/entry/data/cam"]).toEqual({
        shape: [num, ...descriptor.data_keys.cam!.shape],
        dtype: "uint16",
      });
      expect(shapes["/entry/data/det"]!.shape).toEqual([num, ...descriptor.data_keys.det!.shape]);
      expect(shapes["/entry/data/m1"]).toEqual({ shape: [num], dtype: "float64" });
      // the devices' groups open the same data
      expect(shapes["/entry/instrument/cam/data"]).toEqual(shapes["/entry/data/cam"]);
      expect(shapes["/entry/instrument/m1/value"]).toEqual(shapes["/entry/data/m1"]);
    },
  );
});
