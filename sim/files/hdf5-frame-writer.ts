import { closeSync, openSync } from "node:fs";
import { isAbsolute } from "node:path";
import type * as H5wasmModule from "h5wasm";
import type { File as H5File } from "h5wasm";
import { HilError } from "../../src/core/index.js";

/** Where the frames are, as area detectors' HDF5 plugin and NeXus put them. */
export const FRAME_DATASET = "/entry/data/data";
/** When each frame began, POSIX seconds. */
export const TIMESTAMP_DATASET = "/entry/data/timestamps";

export interface Hdf5FrameWriterOptions {
  /** An absolute path; the file must not exist yet. */
  path: string;
  height: number;
  width: number;
}

type H5wasm = typeof H5wasmModule;
/** The HDF5 library compiled to WebAssembly, as h5wasm exposes it. */
type H5Module = Awaited<H5wasm["ready"]>;

let loading: Promise<{ h5wasm: H5wasm; library: H5Module }> | undefined;

/** h5wasm's WebAssembly is loaded on the first file, not when the package is imported. */
function loadH5wasm(): Promise<{ h5wasm: H5wasm; library: H5Module }> {
  return (loading ??= import("h5wasm/node").then(async (h5wasm) => ({
    h5wasm,
    library: await h5wasm.ready,
  })));
}

/**
 * Appends uint16 frames to a new HDF5 file: a chunked dataset `/entry/data/data` of shape
 * [frames, height, width], one frame per chunk, growing as frames come, and their start times
 * in `/entry/data/timestamps`. The file is in SWMR mode and flushed after each append, so a
 * reader (h5py with `swmr=True`) sees whole frames while it is written, and the frames
 * written so far stay readable if the process stops without closing it.
 *
 * Appends go through h5wasm's library calls (resize_dataset, set_dataset_data) from one
 * buffer kept in WebAssembly memory: Dataset.write_slice would allocate a buffer and re-read
 * the dataset's metadata on every call, which costs more than writing a frame.
 */
export class Hdf5FrameWriter {
  readonly path: string;
  readonly height: number;
  readonly width: number;
  private file: H5File | undefined;
  private readonly library: H5Module;
  private readonly fileId: bigint;
  private count = 0;
  /** Bytes at `buffer` in WebAssembly memory: frames, then their times (8-byte aligned). */
  private buffer = 0;
  private capacity = 0;

  private constructor(options: Hdf5FrameWriterOptions, file: H5File, library: H5Module) {
    this.path = options.path;
    this.height = options.height;
    this.width = options.width;
    this.file = file;
    this.library = library;
    this.fileId = file.file_id;
  }

  /** Creates the file and its datasets; fails naming the file if it exists or cannot be made. */
  static async create(options: Hdf5FrameWriterOptions): Promise<Hdf5FrameWriter> {
    const { path, height, width } = options;
    if (!isAbsolute(path)) throw new RangeError(`the HDF5 file path must be absolute: ${path}`);
    for (const [key, value] of [
      ["height", height],
      ["width", width],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`${path}: ${key} must be an integer >= 1, got ${value}`);
      }
    }
    const { h5wasm, library } = await loadH5wasm();
    let file: H5File | undefined;
    try {
      // Made here first: h5wasm reports a file it cannot make only on HDF5's stderr.
      closeSync(openSync(path, "wx"));
      // SWMR needs the HDF5 1.10 file format; h5py on HDF5 >= 1.10 reads it.
      file = new h5wasm.File(path, "w", { libver: "v110" });
      const entry = file.create_group("entry");
      entry.create_attribute("NX_class", "NXentry");
      const group = entry.create_group("data");
      group.create_attribute("NX_class", "NXdata");
      group.create_attribute("signal", "data");
      group.create_dataset({
        name: "data",
        data: new Uint16Array(0),
        shape: [0, height, width],
        maxshape: [null, height, width],
        chunks: [1, height, width],
        dtype: "<H",
      });
      const timestamps = group.create_dataset({
        name: "timestamps",
        data: new Float64Array(0),
        shape: [0],
        maxshape: [null],
        chunks: [1024],
        dtype: "<d",
      });
      timestamps.create_attribute("units", "s");
      file.start_swmr_write();
      file.flush();
      return new Hdf5FrameWriter(options, file, library);
    } catch (error) {
      try {
        file?.close();
      } catch {
        // the creation error is the one to report
      }
      throw writeError(path, "cannot create", error);
    }
  }

  /** Frames in the file. */
  get frames(): number {
    return this.count;
  }

  /** The shape of each chunk of the frame dataset: one frame. */
  get chunkShape(): [number, number, number] {
    return [1, this.height, this.width];
  }

  get closed(): boolean {
    return this.file === undefined;
  }

  /**
   * Appends frames given end to end in `pixels` (row by row, frame after frame), with the
   * start time of each, and flushes them to the file.
   */
  append(pixels: Uint16Array, times: ArrayLike<number>): void {
    const file = this.file;
    if (!file) throw new HilError("HIL_FILE_CLOSED", `${this.path} is closed`);
    const frameSize = this.height * this.width;
    const n = times.length;
    if (pixels.length !== n * frameSize) {
      throw new RangeError(
        `${this.path}: ${pixels.length} pixels are not ${n} frames of ${this.height}x${this.width}`,
      );
    }
    if (n === 0) return;
    const start = this.count;
    const stop = start + n;
    const { library, fileId } = this;
    const [h, w] = [BigInt(this.height), BigInt(this.width)];
    const [first, count] = [BigInt(start), BigInt(n)];
    try {
      const timesAt = this.reserve(pixels.byteLength, n * 8);
      // Views are made after reserve(): a grown memory detaches the old ones.
      library.HEAPU8.set(
        new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength),
        this.buffer,
      );
      new Float64Array(library.HEAPU8.buffer, timesAt, n).set(times);
      check(library.resize_dataset(fileId, FRAME_DATASET, [BigInt(stop), h, w]), "resize");
      check(
        library.set_dataset_data(
          fileId,
          FRAME_DATASET,
          [count, h, w],
          [first, 0n, 0n],
          [1n, 1n, 1n],
          BigInt(this.buffer),
        ),
        "write",
      );
      check(library.resize_dataset(fileId, TIMESTAMP_DATASET, [BigInt(stop)]), "resize");
      check(
        library.set_dataset_data(
          fileId,
          TIMESTAMP_DATASET,
          [count],
          [first],
          [1n],
          BigInt(timesAt),
        ),
        "write",
      );
      check(library.flush(fileId), "flush");
    } catch (error) {
      throw writeError(this.path, `cannot write frames ${start}..${stop - 1} to`, error);
    }
    this.count = stop;
  }

  /** Room for `frameBytes` then `timeBytes` in WebAssembly memory; where the times go. */
  private reserve(frameBytes: number, timeBytes: number): number {
    const timesAt = Math.ceil(frameBytes / 8) * 8;
    const needed = timesAt + timeBytes;
    if (needed > this.capacity) {
      if (this.buffer) this.library._free(this.buffer);
      this.buffer = 0;
      this.capacity = 0;
      const buffer = this.library._malloc(needed);
      if (!buffer) throw new Error(`no room for ${needed} bytes in WebAssembly memory`);
      this.buffer = buffer;
      this.capacity = needed;
    }
    return this.buffer + timesAt;
  }

  /** Closes the file; closing again does nothing. */
  close(): void {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    if (this.buffer) this.library._free(this.buffer);
    this.buffer = 0;
    this.capacity = 0;
    try {
      file.close();
    } catch (error) {
      throw writeError(this.path, "cannot close", error);
    }
  }
}

/** h5wasm's library calls return HDF5's status: negative when it failed. */
function check(status: number, what: string): void {
  if (status < 0) throw new Error(`HDF5 ${what} failed (status ${status})`);
}

function writeError(path: string, what: string, cause: unknown): HilError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HilError("HIL_HDF5_WRITE", `${what} ${path}: ${reason}`, { cause });
}
