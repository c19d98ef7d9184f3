import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { StreamAsset, StreamDatum, StreamResource } from "../../src/core/index.js";
import { FRAME_DATASET, type Hdf5FrameWriter } from "../files/hdf5-frame-writer.js";
import type { SeededRandom } from "../random.js";

const MIMETYPE = "application/x-hdf5";

/**
 * The HDF5 file of one run of a camera and how much of it documents describe: a
 * stream_resource once, then a stream_datum for the frames written since the last.
 */
export class CameraRunFile {
  /** Noise of the run's frames: each frame forks it by its index. */
  readonly random: SeededRandom;
  private readonly writer: Hdf5FrameWriter;
  private readonly dataKey: string;
  private resource: Omit<StreamResource, "run_start"> | undefined;
  private described = 0;
  private datums = 0;

  constructor(writer: Hdf5FrameWriter, random: SeededRandom, dataKey: string) {
    this.writer = writer;
    this.random = random;
    this.dataKey = dataKey;
  }

  get path(): string {
    return this.writer.path;
  }

  /** Frames appended so far. */
  get frames(): number {
    return this.writer.frames;
  }

  append(pixels: Uint16Array, times: ArrayLike<number>): void {
    this.writer.append(pixels, times);
  }

  /** Frames readers can see: written and flushed. */
  flush(): number {
    this.writer.flush();
    return this.writer.frames;
  }

  /** Documents of the frames up to `index` (default: all) not yet described. */
  assetDocs(index?: number): StreamAsset[] {
    const frames = this.flush(); // a datum never names a frame a reader could not find
    const stop = Math.min(index ?? frames, frames);
    const start = this.described;
    if (stop <= start) return [];
    const assets: StreamAsset[] = [];
    if (!this.resource) {
      this.resource = {
        uid: randomUUID(),
        data_key: this.dataKey,
        mimetype: MIMETYPE,
        uri: `file://localhost${pathToFileURL(this.writer.path).pathname}`,
        parameters: { dataset: FRAME_DATASET, chunk_shape: this.writer.chunkShape },
      };
      assets.push(["stream_resource", this.resource]);
    }
    const datum: Omit<StreamDatum, "descriptor"> = {
      uid: `${this.resource.uid}/${this.datums}`,
      stream_resource: this.resource.uid,
      indices: { start, stop },
      // one event per frame, counted from 1
      seq_nums: { start: start + 1, stop: stop + 1 },
    };
    assets.push(["stream_datum", datum]);
    this.datums += 1;
    this.described = stop;
    return assets;
  }

  close(): void {
    this.writer.close();
  }
}
