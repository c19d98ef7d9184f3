import { closeSync, openSync, unlinkSync } from "node:fs";
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
 * HDF5's default chunk cache, bytes (h5wasm cannot set it). A chunk that fits is copied into
 * the cache and written from there when evicted; a bigger one bypasses it. Frames of 512x512
 * write in about half the time in 1.5 MiB chunks as in chunks of one frame (512 KiB).
 */
const CHUNK_CACHE_BYTES = 1 << 20;
/** Bytes of frames held in WebAssembly memory before they are written in one call. */
const BATCH_BYTES = 8 << 20;

/** Frames per chunk: the fewest whose bytes overflow the chunk cache. */
function chunkFrames(frameBytes: number): number {
  return Math.floor(CHUNK_CACHE_BYTES / frameBytes) + 1;
}

/**
 * Appends uint16 frames to a new HDF5 file: a chunked dataset `/entry/data/data` of shape
 * [frames, height, width], growing as frames come, and their start times in
 * `/entry/data/timestamps`. The file is in SWMR mode: after flush(), a reader (h5py with
 * `swmr=True`) sees every frame appended before it, and those frames stay readable if the
 * process stops without closing the file.
 *
 * Frames are gathered in one buffer in WebAssembly memory, whole chunks of them, and written
 * together once it is full, at flush() and at close(): each HDF5 call (resize, write, flush)
 * costs about as much as writing a frame, so calls are made per batch, not per frame. A crash loses the frames
 * appended since the last flush(); the camera flushes before a stream_datum tells of frames,
 * so every document written stays true of the file.
 */
export class Hdf5FrameWriter {
  readonly path: string;
  readonly height: number;
  readonly width: number;
  private file: H5File | undefined;
  private readonly library: H5Module;
  private readonly fileId: bigint;
  /** Frames in the file's datasets. */
  private written = 0;
  /** Frames readers could see at the last flush. */
  private flushed = 0;
  /** Frames waiting in the buffer, and their times. */
  private pending = 0;
  private readonly times: Float64Array;
  private readonly framesPerChunk: number;
  /** The buffer in WebAssembly memory: `batch` frames, then their times (8-byte aligned). */
  private readonly batch: number;
  private readonly buffer: number;
  private readonly timesAt: number;

  private constructor(options: Hdf5FrameWriterOptions, file: H5File, library: H5Module) {
    this.path = options.path;
    this.height = options.height;
    this.width = options.width;
    this.file = file;
    this.library = library;
    this.fileId = file.file_id;
    const frameBytes = this.height * this.width * 2;
    this.framesPerChunk = chunkFrames(frameBytes);
    // whole chunks, so that a batch never leaves a chunk half written for the next to complete
    const chunks = Math.max(1, Math.floor(BATCH_BYTES / (this.framesPerChunk * frameBytes)));
    this.batch = chunks * this.framesPerChunk;
    this.times = new Float64Array(this.batch);
    this.timesAt = Math.ceil((this.batch * frameBytes) / 8) * 8;
    const buffer = library._malloc(this.timesAt + this.batch * 8);
    if (!buffer) throw new Error(`no room for ${this.batch} frames in WebAssembly memory`);
    this.buffer = buffer;
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
      // Tried here first: h5wasm reports a file it cannot make only on HDF5's stderr. Removed
      // again so that HDF5 creates it rather than truncates it: ext4 writes a truncated file's
      // data back at close, which would make close() wait for the disk.
      closeSync(openSync(path, "wx"));
      unlinkSync(path);
      // SWMR needs the HDF5 1.10 file format; h5py on HDF5 >= 1.10 reads it.
      file = new h5wasm.File(path, "x", { libver: "v110" });
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
        chunks: [chunkFrames(height * width * 2), height, width],
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

  /** Frames appended, written or still in the buffer. */
  get frames(): number {
    return this.written + this.pending;
  }

  /** The shape of each chunk of the frame dataset: whole frames, just over 1 MiB. */
  get chunkShape(): [number, number, number] {
    return [this.framesPerChunk, this.height, this.width];
  }

  get closed(): boolean {
    return this.file === undefined;
  }

  /**
   * Appends frames given end to end in `pixels` (row by row, frame after frame), with the
   * start time of each. Readers see them after flush() or close().
   */
  append(pixels: Uint16Array, times: ArrayLike<number>): void {
    if (!this.file) throw new HilError("HIL_FILE_CLOSED", `${this.path} is closed`);
    const frameSize = this.height * this.width;
    const n = times.length;
    if (pixels.length !== n * frameSize) {
      throw new RangeError(
        `${this.path}: ${pixels.length} pixels are not ${n} frames of ${this.height}x${this.width}`,
      );
    }
    for (let done = 0; done < n;) {
      if (this.pending === this.batch) this.writePending();
      const k = Math.min(n - done, this.batch - this.pending);
      // A view made now: HDF5 growing its memory detaches older ones.
      new Uint16Array(this.library.HEAPU8.buffer, this.buffer, this.batch * frameSize).set(
        pixels.subarray(done * frameSize, (done + k) * frameSize),
        this.pending * frameSize,
      );
      for (let i = 0; i < k; i++) this.times[this.pending + i] = times[done + i]!;
      this.pending += k;
      done += k;
    }
  }

  /** Writes the frames appended so far and flushes the file, so that readers see them. */
  flush(): void {
    if (!this.file) throw new HilError("HIL_FILE_CLOSED", `${this.path} is closed`);
    // the camera asks at every getIndex(): most often there is nothing new
    if (this.frames === this.flushed) return;
    this.writePending();
    try {
      check(this.library.flush(this.fileId), "flush");
    } catch (error) {
      throw writeError(this.path, "cannot flush", error);
    }
    this.flushed = this.written;
  }

  /** Grows both datasets once and writes the buffered frames and times in one call each. */
  private writePending(): void {
    const n = this.pending;
    if (n === 0) return;
    const { library, fileId } = this;
    const start = this.written;
    const stop = start + n;
    const [h, w] = [BigInt(this.height), BigInt(this.width)];
    const [first, count] = [BigInt(start), BigInt(n)];
    try {
      new Float64Array(library.HEAPU8.buffer, this.timesAt, n).set(this.times.subarray(0, n));
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
          BigInt(this.timesAt),
        ),
        "write",
      );
    } catch (error) {
      throw writeError(this.path, `cannot write frames ${start}..${stop - 1} to`, error);
    }
    this.written = stop;
    this.pending = 0;
  }

  /** Writes what is buffered and closes the file; closing again does nothing. */
  close(): void {
    const file = this.file;
    if (!file) return;
    let failure: unknown;
    try {
      this.writePending();
    } catch (error) {
      failure = error;
    }
    this.file = undefined;
    this.library._free(this.buffer);
    try {
      file.close();
    } catch (error) {
      failure ??= writeError(this.path, "cannot close", error);
    }
    if (failure !== undefined) throw failure;
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
