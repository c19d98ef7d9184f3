// The HDF5 files we write, read by Debian's h5py on its own libhdf5 (not h5wasm's), as a
// scientist's notebook or tiled would read them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BeamCameraModel,
  BeamImage,
  Hdf5FrameWriter,
  SeededRandom,
  SimCamera,
  VirtualClock,
  type StreamAsset,
} from "../../../src/index.js";
import { h5py } from "../../support/peers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Prints what h5py sees of one frame dataset and its timestamps as JSON. */
const READER = `
import json, sys
from urllib.parse import unquote, urlparse
import h5py
uri, dataset, start, stop = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
parsed = urlparse(uri)
path = unquote(parsed.path) if parsed.scheme == "file" else uri
# swmr=True: the file may still be open for writing, or never closed
with h5py.File(path, "r", swmr=True) as f:
    d = f[dataset]
    print(json.dumps({
        "path": path,
        "shape": list(d.shape),
        "dtype": str(d.dtype),
        "chunks": d.chunks,
        "maxshape": [m for m in d.maxshape],
        "layout": d.id.get_create_plist().get_layout(),
        "frames": d[start:stop].tolist(),
        "timestamps": f["/entry/data/timestamps"][start:stop].tolist(),
        "nx_class": f["/entry/data"].attrs["NX_class"],
        "signal": f["/entry/data"].attrs["signal"],
        "entry_class": f["/entry"].attrs["NX_class"],
        "units": f["/entry/data/timestamps"].attrs["units"],
    }))
`;

const readingSchema = z.object({
  path: z.string(),
  shape: z.array(z.number()),
  dtype: z.string(),
  chunks: z.array(z.number()).nullable(),
  maxshape: z.array(z.number().nullable()),
  layout: z.number(),
  frames: z.array(z.array(z.array(z.number()))),
  timestamps: z.array(z.number()),
  nx_class: z.string(),
  signal: z.string(),
  entry_class: z.string(),
  units: z.string(),
});

type Reading = z.infer<typeof readingSchema>;

function readWithH5py(uri: string, dataset: string, start: number, stop: number): Reading {
  const result = spawnSync(
    "/usr/bin/python3",
    ["-c", READER, uri, dataset, String(start), String(stop)],
    { encoding: "utf8", timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(`h5py could not read ${uri}: ${result.stderr}`);
  return readingSchema.parse(JSON.parse(result.stdout));
}

const flat = (frame: number[][]): number[] => frame.flat();

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "h5py-interop-"));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!h5py().available)("HDF5 frames read by h5py", () => {
  it("reads the model's frames pixel for pixel, as uint16 in a contiguous NeXus dataset", async () => {
    const model = new BeamCameraModel(
      new BeamImage({ width: 40, height: 30, pixelSize: 0.05, flux: 1e7, sigma: [0.4, 0.3] }),
    );
    const random = new SeededRandom(11);
    const frames = [0.1, 0.2, 0.4].map((exposure) =>
      model.frame(exposure, { axis: "y", gap: 0.8, centre: 0.1 }, random),
    );
    const path = join(directory, "model.h5");
    const writer = await Hdf5FrameWriter.create({ path, height: 30, width: 40 });
    writer.append(frames[0]!, [10]);
    // two frames in one append
    const pair = new Uint16Array(2 * 30 * 40);
    pair.set(frames[1]!, 0);
    pair.set(frames[2]!, 30 * 40);
    writer.append(pair, [10.5, 11]);
    writer.close();

    const read = readWithH5py(path, "/entry/data/data", 0, 3);
    expect(read.shape).toEqual([3, 30, 40]);
    expect(read.dtype).toBe("uint16");
    // one block of frames: not chunked, and its extent is what has been written
    expect(read.chunks).toBeNull();
    expect(read.layout).toBe(1); // H5D_CONTIGUOUS
    expect(read.maxshape).toEqual([3, 30, 40]);
    expect([read.entry_class, read.nx_class, read.signal]).toEqual(["NXentry", "NXdata", "data"]);
    expect(read.units).toBe("s");
    expect(read.timestamps).toEqual([10, 10.5, 11]);
    read.frames.forEach((frame, i) => expect(flat(frame)).toEqual([...frames[i]!]));
    // the beam is there: the longest exposure has the most counts
    const sums = read.frames.map((f) => flat(f).reduce((a, b) => a + b, 0));
    expect(sums[2]).toBeGreaterThan(sums[0]! * 3);
  });

  it("finds a camera's frames from its stream_resource and stream_datum while the file is open", async () => {
    const cam = new SimCamera({
      name: "cam",
      clock: new VirtualClock(),
      directory,
      width: 48,
      height: 32,
      exposure: 0.1,
      seed: 2,
      beam: { pixelSize: 0.05, flux: 1e7 },
    });
    await cam.stage();
    await cam.trigger();
    await cam.trigger();
    const assets = await cam.collectAssetDocs();
    const resource = assets.find(
      (a): a is Extract<StreamAsset, ["stream_resource", unknown]> => a[0] === "stream_resource",
    )![1];
    const datum = assets.find(
      (a): a is Extract<StreamAsset, ["stream_datum", unknown]> => a[0] === "stream_datum",
    )![1];
    const dataset = String(resource.parameters.dataset);
    const { start, stop } = datum.indices;
    const whileOpen = readWithH5py(resource.uri, dataset, start, stop);
    expect(whileOpen.path).toBe(cam.filePath);
    expect(whileOpen.shape).toEqual([2, 32, 48]);
    expect(whileOpen.dtype).toBe("uint16");
    expect(whileOpen.timestamps).toEqual([0, 0.1]);
    await cam.unstage();

    const closed = readWithH5py(resource.uri, dataset, start, stop);
    expect(closed.frames).toEqual(whileOpen.frames);
    const total = flat(closed.frames[0]!).reduce((a, b) => a + b, 0);
    // 1e7 photons/s for 0.1 s, most of the beam on a 2.4 x 1.6 mm detector
    expect(total).toBeGreaterThan(5e5);
    expect(total).toBeLessThan(1.01e6);
  });

  // A child process loading the writer through tsx takes seconds on a busy machine.
  it(
    "keeps the frames flushed so far readable when the writer's process stops without closing",
    {
      timeout: 60_000,
    },
    () => {
      const path = join(directory, "stopped.h5");
      // 37 frames of 128 KiB appended after the flush: written, not yet described
      const big = join(directory, "stopped-big.h5");
      const writerModule = join(root, "sim/files/hdf5-frame-writer.ts");
      const script = `
      import { Hdf5FrameWriter } from ${JSON.stringify(writerModule)};
      const w = await Hdf5FrameWriter.create({ path: ${JSON.stringify(path)}, height: 4, width: 5 });
      const frame = (k) => new Uint16Array(20).map((_, i) => k * 1000 + i);
      for (let k = 0; k < 3; k++) w.append(frame(k), [k]);
      w.flush();
      w.append(frame(3), [3]); // never flushed: lost with the process
      const b = await Hdf5FrameWriter.create({ path: ${JSON.stringify(big)}, height: 128, width: 512 });
      for (let k = 0; k < 40; k++) {
        b.append(new Uint16Array(128 * 512).fill(k), [k]);
        if (k === 2) b.flush();
      }
      process.exit(0); // no close()
    `;
      const child = spawnSync(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script],
        { cwd: root, encoding: "utf8", timeout: 30_000 },
      );
      expect(child.stderr).toBe("");
      expect(child.status).toBe(0);
      const read = readWithH5py(path, "/entry/data/data", 0, 3);
      expect(read.shape).toEqual([3, 4, 5]);
      read.frames.forEach((frame, k) =>
        expect(flat(frame)).toEqual(Array.from({ length: 20 }, (_, i) => k * 1000 + i)),
      );
      expect(read.timestamps).toEqual([0, 1, 2]);
      // at least the frames flushed; more if the metadata had to move past later frames
      const first = readWithH5py(big, "/entry/data/data", 0, 1);
      expect(first.shape).toEqual([3, 128, 512]);
      const last = readWithH5py(big, "/entry/data/data", 2, 3);
      expect([first, last].map((r) => [...new Set(flat(r.frames[0]!))])).toEqual([[0], [2]]);
      expect(last.timestamps).toEqual([2]);
    },
  );
});
