import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { isAbsolute } from "node:path";
import { HilError } from "../../src/core/index.js";
import { frameMetadata } from "./hdf5-frame-metadata.js";
import { superblock } from "./hdf5-format.js";
import { type Region, finalPlace, nextPlace } from "./hdf5-metadata-place.js";

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

/**
 * Frames whose times fit a block in one of the two slots before the data; past that many,
 * blocks go after the frames.
 */
const SLOT_FRAMES = 16384;
/** Bytes of a block's fixed part (global heap, object headers) at most. */
const BLOCK_BASE = 8192;
/** Two slots for blocks, after the superblock. */
const SLOTS: readonly Region[] = [0, 1].map((i) => {
  const bytes = BLOCK_BASE + 8 * SLOT_FRAMES;
  return { at: 64 + i * bytes, end: 64 + (i + 1) * bytes };
});
/** Frame 0 starts here, page aligned, after the slots; the frames never move. */
const DATA_ADDRESS = Math.ceil(SLOTS[1]!.end / 4096) * 4096;
/** Room left for frames between their end and a block after them, at least. */
const MIN_RESERVE = 1 << 20;
const RESERVE_FRAMES = 16;

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Appends uint16 frames to a new HDF5 file: a contiguous dataset `/entry/data/data` of shape
 * [frames, height, width] and their start times in `/entry/data/timestamps`, in groups
 * `/entry` (NXentry) and `/entry/data` (NXdata). After flush(), a reader (h5py, with or
 * without `swmr=True`) sees every frame appended before it, and those frames stay readable if
 * the process stops without closing the file.
 *
 * Frames are written straight to the file with one positioned write per append, end to end
 * from a fixed address: that is all the dataset's storage. The HDF5 metadata (groups,
 * datasets, the timestamps' values) is written by this class as one block, and the superblock
 * at offset 0 points at the block that describes the frames.
 *
 * Crash safety rests on one rule: a new block is always written where neither the block the
 * superblock names nor any frame lies, and only then is the superblock rewritten (48 bytes,
 * one write) to name it; so whatever point the process stops at, the superblock names a
 * complete block whose frames are all on disk. Blocks alternate between two slots before the
 * data, which frames never reach, while the times fit (16384 frames); a reader that found one
 * keeps it whole until the flush after next. Past that, blocks go after the frames with room
 * left for more frames, and an append that would reach the block first writes a new one past
 * the new frames. At close the last block goes in a slot, or right after the frames, and the
 * file is cut at its end. There is no fsync, as HDF5's own flush has none: this holds against
 * the process dying, not against the machine losing power.
 *
 * Readers opening the file while it is written, or holding it open and calling refresh()
 * (h5py with `swmr=True`), find whole metadata when flushes are milliseconds apart, as at a
 * camera's pace. Flushing hundreds of times a second can make such an open fail now and then
 * (a block rewritten while read, or the superblock naming an end past the size the reader
 * saw); opening again succeeds.
 */
export class Hdf5FrameWriter {
  readonly path: string;
  readonly height: number;
  readonly width: number;
  private fd: number | undefined;
  private readonly frameBytes: number;
  /** Bytes of a block of metadata with no frames; each frame adds 8 (its time). */
  private readonly metadataBase: number;
  private count = 0;
  private times = new Float64Array(64);
  /** Frames the block named by the superblock describes. */
  private described = -1;
  private block: Region = { at: 0, end: 0 };

  private constructor(options: Hdf5FrameWriterOptions, fd: number) {
    this.path = options.path;
    this.height = options.height;
    this.width = options.width;
    this.fd = fd;
    this.frameBytes = this.height * this.width * 2;
    this.metadataBase = this.metadata(0, 0).bytes.length;
    if (this.metadataBase > BLOCK_BASE) throw new Error("HDF5 metadata outgrew its slots");
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
    // the frames' bytes go to the file as they are in memory, declared little-endian
    if (!littleEndian)
      throw new Error(`${path}: frames can be written on little-endian hosts only`);
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      throw writeError(path, "cannot create", error);
    }
    const writer = new Hdf5FrameWriter(options, fd);
    try {
      writer.commit(SLOTS[0]!.at);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return writer;
  }

  /** Frames appended. */
  get frames(): number {
    return this.count;
  }

  /**
   * The dataset is contiguous, not chunked: one frame is the natural unit to read, a single
   * run of bytes in the file, so this is the shape readers should split it by.
   */
  get chunkShape(): [number, number, number] {
    return [1, this.height, this.width];
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  private get dataEnd(): number {
    return DATA_ADDRESS + this.count * this.frameBytes;
  }

  /**
   * Appends frames given end to end in `pixels` (row by row, frame after frame), with the
   * start time of each. Readers see them after flush() or close().
   */
  append(pixels: Uint16Array, times: ArrayLike<number>): void {
    const fd = this.open();
    const n = times.length;
    if (pixels.length !== n * this.height * this.width) {
      throw new RangeError(
        `${this.path}: ${pixels.length} pixels are not ${n} frames of ${this.height}x${this.width}`,
      );
    }
    if (n === 0) return;
    const start = this.dataEnd;
    const stop = start + n * this.frameBytes;
    // the frames must not overwrite the metadata readers would find: move it past them first
    if (start < this.block.end && stop > this.block.at) {
      const size = this.metadataBytes(this.count);
      this.commit(nextPlace(stop, size, this.block, this.reserve(), SLOTS));
    }
    try {
      writeAll(fd, new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), start);
    } catch (error) {
      const last = this.count + n - 1;
      throw writeError(this.path, `cannot write frames ${this.count}..${last} to`, error);
    }
    if (this.count + n > this.times.length) {
      const grown = new Float64Array(Math.max(2 * this.times.length, this.count + n));
      grown.set(this.times.subarray(0, this.count));
      this.times = grown;
    }
    for (let i = 0; i < n; i++) this.times[this.count + i] = times[i]!;
    this.count += n;
  }

  /** Writes metadata describing every frame appended, so that readers see them. */
  flush(): void {
    this.open();
    // the camera asks at every getIndex(): most often there is nothing new
    if (this.count === this.described) return;
    const size = this.metadataBytes(this.count);
    this.commit(nextPlace(this.dataEnd, size, this.block, this.reserve(), SLOTS));
  }

  /** Writes the last metadata in a slot or right after the frames, cuts the file at the end. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    let failure: unknown;
    try {
      const size = this.metadataBytes(this.count);
      let at = finalPlace(this.dataEnd, size, this.block, SLOTS);
      if (at === undefined) {
        // the frames' end is too near the current block: one more block further on first
        this.commit(nextPlace(this.dataEnd, size, this.block, this.reserve(), SLOTS));
        at = finalPlace(this.dataEnd, size, this.block, SLOTS)!;
      }
      ftruncateSync(fd, this.commit(at));
    } catch (error) {
      failure = error instanceof HilError ? error : writeError(this.path, "cannot close", error);
    }
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch (error) {
      failure ??= writeError(this.path, "cannot close", error);
    }
    if (failure !== undefined) throw failure;
  }

  private open(): number {
    if (this.fd === undefined) throw new HilError("HIL_FILE_CLOSED", `${this.path} is closed`);
    return this.fd;
  }

  private metadataBytes(frames: number): number {
    return this.metadataBase + 8 * frames;
  }

  private reserve(): number {
    return Math.max(MIN_RESERVE, RESERVE_FRAMES * this.frameBytes);
  }

  private metadata(address: number, frames: number) {
    return frameMetadata({
      address,
      height: this.height,
      width: this.width,
      dataAddress: DATA_ADDRESS,
      times: this.times.subarray(0, frames),
    });
  }

  /**
   * Writes a block describing every frame at `at`, then points the superblock at it; returns
   * the end of what it describes.
   */
  private commit(at: number): number {
    const fd = this.open();
    const { bytes, rootAddress } = this.metadata(at, this.count);
    const end = at + bytes.length;
    const endOfFile = Math.max(end, this.count > 0 ? this.dataEnd : 0);
    try {
      writeAll(fd, bytes, at);
      writeAll(fd, superblock(endOfFile, rootAddress), 0);
    } catch (error) {
      throw writeError(this.path, "cannot write the metadata of", error);
    }
    this.block = { at, end };
    this.described = this.count;
    return endOfFile;
  }
}

/** One positioned write, repeated for what a short write left. */
function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length;) {
    done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
}

function writeError(path: string, what: string, cause: unknown): HilError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HilError("HIL_HDF5_WRITE", `${what} ${path}: ${reason}`, { cause });
}
