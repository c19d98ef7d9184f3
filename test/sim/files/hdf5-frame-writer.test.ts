import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hdf5FrameWriter } from "../../../sim/index.js";

let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "hdf5-frame-writer-"));
  await h5wasm.ready;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Frame k of h x w: pixel i holds k * 1000 + i. */
const frame = (k: number, size: number): Uint16Array =>
  new Uint16Array(size).map((_, i) => k * 1000 + i);

/** The frames and times in a file, read back through h5wasm. */
function contents(path: string): { shape: number[]; pixels: number[]; times: number[] } {
  const file = new h5wasm.File(path, "r");
  try {
    const data = file.get("entry/data/data") as InstanceType<typeof h5wasm.Dataset>;
    const times = file.get("entry/data/timestamps") as InstanceType<typeof h5wasm.Dataset>;
    const shape = data.shape ?? [];
    const pixels = shape[0] ? [...(data.value as Uint16Array)] : [];
    return { shape, pixels, times: [...(times.value as Float64Array)] };
  } finally {
    file.close();
  }
}

describe("Hdf5FrameWriter", () => {
  it("writes more frames than its buffer holds, in order, across appends of any size", async () => {
    const [height, width] = [300, 400]; // 240 kB frames: 5 a chunk, 30 a batch
    const size = height * width;
    const path = join(directory, "many.h5");
    const writer = await Hdf5FrameWriter.create({ path, height, width });
    expect(writer.chunkShape).toEqual([5, height, width]);
    const counts = [1, 7, 29, 30, 1, 2];
    let k = 0;
    for (const n of counts) {
      const pixels = new Uint16Array(n * size);
      for (let j = 0; j < n; j++) pixels.set(frame(k + j, size), j * size);
      writer.append(
        pixels,
        Array.from({ length: n }, (_, j) => k + j),
      );
      k += n;
    }
    expect(writer.frames).toBe(k);
    writer.close();
    const read = contents(path);
    expect(read.shape).toEqual([k, height, width]);
    expect(read.times).toEqual(Array.from({ length: k }, (_, j) => j));
    for (let j = 0; j < k; j++) {
      expect(read.pixels[j * size + 7]).toBe((j * 1000 + 7) & 0xffff);
    }
  });

  it("shows readers the frames appended before flush(), and refuses appends once closed", async () => {
    const path = join(directory, "flushed.h5");
    const writer = await Hdf5FrameWriter.create({ path, height: 2, width: 3 });
    writer.append(frame(0, 6), [5]);
    writer.append(frame(1, 6), [6]);
    writer.flush();
    const read = contents(path);
    expect(read.shape).toEqual([2, 2, 3]);
    expect(read.pixels).toEqual([...frame(0, 6), ...frame(1, 6)]);
    expect(read.times).toEqual([5, 6]);
    writer.append(frame(2, 6), [7]);
    writer.close();
    writer.close();
    expect(contents(path).shape).toEqual([3, 2, 3]);
    expect(() => writer.append(frame(3, 6), [8])).toThrow(/closed/);
    expect(() => writer.flush()).toThrow(/closed/);
  });

  it("refuses pixels that are not whole frames and a file that exists", async () => {
    const path = join(directory, "refusals.h5");
    const writer = await Hdf5FrameWriter.create({ path, height: 2, width: 2 });
    expect(() => writer.append(new Uint16Array(5), [0])).toThrow("5 pixels are not 1 frames");
    writer.close();
    await expect(Hdf5FrameWriter.create({ path, height: 2, width: 2 })).rejects.toThrow(
      /cannot create .*refusals\.h5/,
    );
  });
});
