import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type {
  DescriptorDataKey,
  DocumentCallback,
  EventDescriptor,
  NamedDocument,
  RunStart,
  StreamDatum,
  StreamResource,
} from "../../core/index.js";
import { flatNumbers } from "../nexus/columns.js";
import { type Hdf5, loadHdf5, loadedHdf5, resourceFrames } from "../nexus/hdf5.js";
import { type TiffPixels, encodeTiff } from "./tiff-encoder.js";

export interface TiffWriterOptions {
  /** The start of each file's name (default `<scan_id>-<uid first 8>`). */
  stem?: string;
  /** Only these streams (default every stream). */
  streams?: readonly string[];
}

interface Image {
  field: string;
  stream: string;
  height: number;
  width: number;
  make: (values: ArrayLike<number>) => TiffPixels;
}

const TYPED: Record<string, (values: ArrayLike<number>) => TiffPixels> = {
  u1: (v) => Uint8Array.from(v),
  u2: (v) => Uint16Array.from(v),
  u4: (v) => Uint32Array.from(v),
  i1: (v) => Int8Array.from(v),
  i2: (v) => Int16Array.from(v),
  i4: (v) => Int32Array.from(v),
  f4: (v) => Float32Array.from(v),
  f8: (v) => Float64Array.from(v),
};

/** A data key of a 2-D image: its size, and the pixel type (dtype_numpy, else float32). */
function imageOf(stream: string, field: string, key: DescriptorDataKey): Image | undefined {
  const shape = key.shape ?? [];
  if (shape.length !== 2) return undefined;
  const [height, width] = shape;
  if (!Number.isInteger(height) || !Number.isInteger(width) || !(height! > 0 && width! > 0)) {
    return undefined;
  }
  const numpy = /^[<>|=]?([uif]\d)$/.exec(key.dtype_numpy ?? "")?.[1];
  const make = (numpy && TYPED[numpy]) || TYPED.f4!;
  return { field, stream, height: height!, width: width!, make };
}

/**
 * Saves the frames of image fields (data keys of shape [height, width]) as TIFF files, one
 * per frame: `<directory>/<stem>-<field>-<seq_num, 5 digits>.tif`, its pixel type from the
 * key's `dtype_numpy` (float32 when it has none). Frames in events are written as the
 * events arrive; frames a detector wrote to its own HDF5 file are read from it at each
 * stream_datum, which names frames already flushed there.
 */
export class TiffWriter {
  readonly directory: string;
  /** Every file written, in order. */
  readonly written: string[] = [];
  readonly callback: DocumentCallback = (...document) => this.receive(document);
  private readonly options: TiffWriterOptions;
  private stem = "run";
  private runUid: string | undefined;
  private readonly images = new Map<string, Map<string, Image>>();
  private readonly resources = new Map<string, StreamResource>();
  private pending: Promise<unknown> | undefined;

  constructor(directory: string, options: TiffWriterOptions = {}) {
    this.directory = directory;
    this.options = options;
  }

  private receive(document: NamedDocument): void | Promise<void> {
    // reading a detector's HDF5 file needs HDF5 loaded first
    const hdf5 = loadedHdf5();
    if (!this.pending && (hdf5 || document[0] !== "stream_datum")) {
      return this.handle(hdf5, document);
    }
    const pending = (this.pending ?? loadHdf5())
      .then(
        () => this.handle(loadedHdf5(), document),
        () => this.handle(loadedHdf5(), document),
      )
      .finally(() => {
        if (this.pending === pending) this.pending = undefined;
      });
    this.pending = pending;
    return pending;
  }

  private handle(hdf5: Hdf5 | undefined, [name, doc]: NamedDocument): void {
    switch (name) {
      case "start":
        return this.start(doc);
      case "descriptor":
        return this.descriptor(doc);
      case "event":
        return this.frames(doc.descriptor, [doc.seq_num], (field) => [doc.data[field]]);
      case "event_page":
        return this.frames(doc.descriptor, doc.seq_num, (field) => doc.data[field] ?? []);
      case "stream_resource":
        this.resources.set(doc.uid, doc);
        return;
      case "stream_datum":
        return this.datum(hdf5, doc);
      case "stop":
        this.runUid = undefined;
        return;
    }
  }

  private start(doc: RunStart): void {
    this.runUid = doc.uid;
    this.stem = this.options.stem ?? `${doc.scan_id ?? 0}-${doc.uid.slice(0, 8)}`;
    this.images.clear();
    this.resources.clear();
  }

  private descriptor(doc: EventDescriptor): void {
    if (doc.run_start !== this.runUid) return;
    if (this.options.streams && !this.options.streams.includes(doc.name)) return;
    const images = new Map<string, Image>();
    for (const [field, key] of Object.entries(doc.data_keys)) {
      const image = imageOf(doc.name, field, key);
      if (image) images.set(field, image);
    }
    if (images.size > 0) this.images.set(doc.uid, images);
  }

  private frames(
    descriptor: string,
    seqNums: number[],
    values: (field: string) => unknown[],
  ): void {
    const images = this.images.get(descriptor);
    if (!images) return;
    for (const image of images.values()) {
      values(image.field).forEach((value, i) => {
        const pixels = flatNumbers(value);
        if (pixels.length !== image.height * image.width) return; // external, or not given
        this.save(image, seqNums[i]!, image.make(pixels));
      });
    }
  }

  private datum(hdf5: Hdf5 | undefined, doc: StreamDatum): void {
    const resource = this.resources.get(doc.stream_resource);
    const image = this.images.get(doc.descriptor)?.get(resource?.data_key ?? "");
    if (!resource || !image || resource.mimetype !== "application/x-hdf5") return;
    if (!hdf5) throw new Error(`cannot read the frames of ${resource.uri}: HDF5 did not load`);
    const { start, stop } = doc.indices;
    if (stop <= start) return;
    const frames = resourceFrames(resource);
    const file = new hdf5.File(frames.path, "r");
    try {
      const dataset = file.get(frames.dataset);
      if (!(dataset instanceof hdf5.Dataset)) return;
      const block = dataset.slice([[start, stop]]) as ArrayLike<number>;
      const size = image.height * image.width;
      for (let k = 0; k < stop - start; k++) {
        const pixels = Array.prototype.slice.call(block, k * size, (k + 1) * size) as number[];
        this.save(image, doc.seq_nums.start + k, image.make(pixels));
      }
    } finally {
      file.close();
    }
  }

  private save(image: Image, seqNum: number, pixels: TiffPixels): void {
    mkdirSync(this.directory, { recursive: true });
    const name = `${this.stem}-${image.field}-${String(seqNum).padStart(5, "0")}.tif`;
    const path = join(this.directory, name);
    const description = JSON.stringify({
      field: image.field,
      stream: image.stream,
      seq_num: seqNum,
    });
    writeFileSync(
      path,
      encodeTiff([{ width: image.width, height: image.height, pixels, description }]),
    );
    this.written.push(path);
  }
}
