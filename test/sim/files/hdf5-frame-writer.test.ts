import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hdf5FrameWriter } from "../../../sim/index.js";
import { readFrames } from "../../support/hdf5.js";

let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "hdf5-frame-writer-"));
  await h5wasm.ready;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Frame k of h x w: pixel i holds k * 1000 + i. */
const frame = (k: number, size: number): Uint16Array =>
  new Uint16Array(size).map((_, i) => k * 1000 + i);

/** The end-of-file address the superblock gives. */
const endOfFile = (path: string): number =>
  Number(new DataView(readFileSync(path).buffer).getBigUint64(28, true));

describe("Hdf5FrameWriter", () => {
  it("writes frames in order across appends of any size, one frame a chunk for readers", async () => {
    const [height, width] = [300, 400];
    const size = height * width;
    const path = join(directory, "many.h5");
    const writer = await Hdf5FrameWriter.create({ path, height, width });
    expect(writer.chunkShape).toEqual([1, height, width]);
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
    const read = readFrames(path);
    expect(read.shape).toEqual([k, height, width]);
    expect(read.timestamps).toEqual(Array.from({ length: k }, (_, j) => j));
    for (let j = 0; j < k; j++) {
      expect(read.pixels[j * size + 7]).toBe((j * 1000 + 7) & 0xffff);
    }
    // closed: the metadata before the frames, nothing after them
    expect(statSync(path).size).toBe(endOfFile(path));
    expect(statSync(path).size - k * size * 2).toBeLessThan(300_000);
  });

  it("shows readers the frames appended before flush(), and refuses appends once closed", async () => {
    const path = join(directory, "flushed.h5");
    const writer = await Hdf5FrameWriter.create({ path, height: 2, width: 3 });
    expect(readFrames(path).shape).toEqual([0, 2, 3]);
    writer.append(frame(0, 6), [5]);
    writer.append(frame(1, 6), [6]);
    writer.flush();
    const read = readFrames(path);
    expect(read.shape).toEqual([2, 2, 3]);
    expect([...read.pixels]).toEqual([...frame(0, 6), ...frame(1, 6)]);
    expect(read.timestamps).toEqual([5, 6]);
    writer.append(frame(2, 6), [7]);
    expect(readFrames(path).shape).toEqual([2, 2, 3]);
    writer.close();
    writer.close();
    expect(readFrames(path).shape).toEqual([3, 2, 3]);
    expect(() => writer.append(frame(3, 6), [8])).toThrow(/closed/);
    expect(() => writer.flush()).toThrow(/closed/);
  });

  it("keeps the file readable after every append once the metadata is past the frames", async () => {
    // 17000 frames' times no longer fit a slot before the data: blocks go after the frames,
    // 1 MiB (2048 frames of 512 bytes) past their end, and move on when frames reach them
    const [height, width] = [16, 16];
    const size = height * width;
    const path = join(directory, "moving.h5");
    const writer = await Hdf5FrameWriter.create({ path, height, width });
    const append = (from: number, n: number): void => {
      const pixels = new Uint16Array(n * size);
      for (let j = 0; j < n; j++) pixels.fill(from + j, j * size, (j + 1) * size);
      writer.append(
        pixels,
        Array.from({ length: n }, (_, j) => from + j),
      );
    };
    for (let k = 0; k < 17000; k += 1000) append(k, 1000);
    writer.flush();
    let seen = 17000;
    for (let k = 17000; k < 22000; k += 500) {
      append(k, 500);
      const read = readFrames(path);
      const n = read.shape[0]!;
      expect(n).toBeGreaterThanOrEqual(seen);
      expect(n).toBeLessThanOrEqual(k + 500);
      for (const j of [0, 16999, n - 1]) {
        expect(read.pixels[j * size + 100]).toBe(j);
        expect(read.timestamps[j]).toBe(j);
      }
      seen = n;
    }
    expect(seen).toBeGreaterThan(17000); // the metadata moved past later frames, describing them
    writer.flush();
    expect(readFrames(path).shape).toEqual([22000, height, width]);
    writer.close();
    expect(readFrames(path).shape).toEqual([22000, height, width]);
    expect(statSync(path).size).toBe(endOfFile(path));
  });

  it("does not let the file grow ahead of the frames when it flushes after every frame", async () => {
    const path = join(directory, "steps.h5");
    const writer = await Hdf5FrameWriter.create({ path, height: 2, width: 3 });
    for (let k = 0; k < 500; k++) {
      writer.append(frame(k, 6), [k]);
      writer.flush();
    }
    // the blocks alternate between the slots before the frames
    expect(statSync(path).size).toBeLessThan(300_000 + 500 * 12);
    writer.close();
    const read = readFrames(path);
    expect(read.shape).toEqual([500, 2, 3]);
    expect([...read.pixels.slice(-6)]).toEqual([...frame(499, 6)]);
    expect(read.timestamps[499]).toBe(499);
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
