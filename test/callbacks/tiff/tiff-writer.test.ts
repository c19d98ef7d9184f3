// TIFF files of image frames, read back by Debian's tifffile, as ImageJ or a notebook would.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TiffWriter, encodeTiff } from "../../../src/callbacks/index.js";
import type { EventDescriptor, NamedDocument } from "../../../src/core/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import { loadBeamline } from "../../../src/config/index.js";
import { RunEngine } from "../../../src/engine/index.js";
import { buildPlanCall, builtinPlans } from "../../../src/plans/index.js";
import { readFrames } from "../../support/hdf5.js";
import { tifffile } from "../../support/peers.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../../..");

interface Page {
  shape: number[];
  dtype: string;
  description: string;
  compression: number;
  photometric: number;
  pixels: number[][];
}

function readWithTifffile(paths: string[]): Array<{ path: string; pages: Page[] }> {
  const result = spawnSync("/usr/bin/python3", [join(here, "read-tiff.py"), ...paths], {
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`tifffile could not read ${paths[0]}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Array<{ path: string; pages: Page[] }>;
}

const rows = (pixels: ArrayLike<number>, width: number): number[][] =>
  Array.from({ length: pixels.length / width }, (_, r) =>
    Array.from(pixels).slice(r * width, (r + 1) * width),
  );

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "tiff-writer-"));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("encodeTiff", () => {
  it("refuses pixels that do not fill the page and non-ASCII descriptions", () => {
    expect(() => encodeTiff([{ width: 3, height: 2, pixels: new Uint8Array(5) }])).toThrow(
      "TIFF page 0: 5 pixels are not 2 rows of 3",
    );
    expect(() =>
      encodeTiff([{ width: 1, height: 1, pixels: new Uint8Array(1), description: "µ" }]),
    ).toThrow("printable ASCII");
    expect(() => encodeTiff([])).toThrow("at least one page");
  });

  it("starts with a little-endian TIFF header pointing at the first IFD", () => {
    const bytes = encodeTiff([{ width: 2, height: 2, pixels: Uint8Array.of(1, 2, 3, 4) }]);
    const view = new DataView(bytes.buffer);
    expect([...bytes.subarray(0, 4)]).toEqual([0x49, 0x49, 42, 0]);
    const ifd = view.getUint32(4, true);
    expect(ifd % 2).toBe(0);
    const entries = view.getUint16(ifd, true);
    const tags = Array.from({ length: entries }, (_, k) => view.getUint16(ifd + 2 + 12 * k, true));
    expect(tags).toEqual([...tags].sort((a, b) => a - b)); // ascending, as TIFF 6.0 requires
    expect(view.getUint32(ifd + 2 + 12 * entries, true)).toBe(0); // the last IFD
  });
});

describe.skipIf(!tifffile().available)("TIFF read by tifffile", () => {
  it("reads uint8, uint16, int16, float32 and float64 pages pixel for pixel", () => {
    const width = 5;
    const height = 3;
    const ramp = Array.from({ length: width * height }, (_, i) => i);
    const pages = [
      Uint8Array.from(ramp, (v) => v * 17),
      Uint16Array.from(ramp, (v) => v * 4000 + 7),
      Int16Array.from(ramp, (v) => v * 1000 - 7000),
      Float32Array.from(ramp, (v) => v / 8 - 0.5),
      Float64Array.from(ramp, (v) => Math.PI * v),
    ];
    const multi = join(directory, "pages.tif");
    writeFileSync(
      multi,
      encodeTiff(pages.map((pixels, i) => ({ width, height, pixels, description: `page ${i}` }))),
    );
    const [read] = readWithTifffile([multi]);
    expect(read!.pages.map((p) => p.dtype)).toEqual([
      "uint8",
      "uint16",
      "int16",
      "float32",
      "float64",
    ]);
    read!.pages.forEach((page, i) => {
      expect(page.shape).toEqual([height, width]);
      expect(page.description).toBe(`page ${i}`);
      expect(page.compression).toBe(1);
      expect(page.photometric).toBe(1); // black is zero
      expect(page.pixels).toEqual(rows(pages[i]!, width));
    });
  });

  it("saves each frame of a fly scan's camera as a TIFF equal to its frame in the HDF5 file", async () => {
    const clock = new VirtualClock({ start: 1_700_000_000 });
    const frames = join(directory, "frames");
    const beamline = await loadBeamline(join(root, "config/sim-beamline.yaml"), {
      clock,
      env: { HIL_FRAMES_DIR: frames },
    });
    const tiffs = join(directory, "tiff");
    const writer = new TiffWriter(tiffs, { stem: "fly" });
    const docs: NamedDocument[] = [];
    const num = 12;
    const args = [["det", "cam"], "m1", -1, 1, num];
    const plan = buildPlanCall(builtinPlans, "fly_scan", args as never, { time: 2 }, beamline);
    await new RunEngine({ clock }).run(plan, (...doc) => {
      docs.push(doc);
      return writer.callback(...doc);
    });
    const descriptor = docs.find(([name]) => name === "descriptor")![1] as EventDescriptor;
    expect(descriptor.data_keys.cam).toMatchObject({ shape: [48, 64], dtype_numpy: "<u2" });
    expect(writer.written).toEqual(
      Array.from({ length: num }, (_, i) =>
        join(tiffs, `fly-cam-${String(i + 1).padStart(5, "0")}.tif`),
      ),
    );
    const resource = docs.find(([name]) => name === "stream_resource")![1] as { uri: string };
    const h5 = readFrames(fileURLToPath(resource.uri.replace("file://localhost", "file://")));
    expect(h5.shape).toEqual([num, 48, 64]);
    const read = readWithTifffile(writer.written);
    read.forEach(({ pages }, i) => {
      expect(pages).toHaveLength(1);
      expect(pages[0]!.shape).toEqual([48, 64]);
      expect(pages[0]!.dtype).toBe("uint16");
      expect(JSON.parse(pages[0]!.description)).toEqual({
        field: "cam",
        stream: "primary",
        seq_num: i + 1,
      });
      expect(pages[0]!.pixels).toEqual(rows(h5.frames[i]!, 64));
    });
  });

  it("saves image fields carried in events, typed by dtype_numpy", async () => {
    const writer = new TiffWriter(join(directory, "events"));
    const image = [
      [0, 1, 2],
      [3, 4, 250],
    ];
    const documents: NamedDocument[] = [
      ["start", { uid: "abcdef012345", time: 1, scan_id: 4 }],
      [
        "descriptor",
        {
          uid: "d",
          time: 1,
          run_start: "abcdef012345",
          name: "primary",
          data_keys: {
            img: { source: "x", dtype: "array", shape: [2, 3], dtype_numpy: "|u1" },
            x: { source: "x", dtype: "number", shape: [] },
          },
          configuration: {},
          object_keys: {},
          hints: {},
        },
      ],
      [
        "event",
        {
          uid: "e",
          time: 2,
          descriptor: "d",
          seq_num: 1,
          data: { img: image, x: 1 },
          timestamps: {},
          filled: {},
        },
      ],
      [
        "stop",
        {
          uid: "s",
          time: 3,
          run_start: "abcdef012345",
          exit_status: "success",
          reason: "",
          num_events: {},
        },
      ],
    ];
    for (const doc of documents) await writer.callback(...doc);
    expect(writer.written).toEqual([join(directory, "events", "4-abcdef01-img-00001.tif")]);
    const [read] = readWithTifffile(writer.written);
    expect(read!.pages[0]).toMatchObject({ shape: [2, 3], dtype: "uint8", pixels: image });
  });
});
