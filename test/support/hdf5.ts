// Reads back the HDF5 frame files the simulated detectors write, through h5wasm (HDF5 in
// WebAssembly). Callers await `h5wasm.ready` (from "h5wasm/node") before the first read.
import h5wasm from "h5wasm/node";

export interface FrameFile {
  /** entry/data/data's shape: [frames, height, width]. */
  readonly shape: number[];
  /** Every pixel of every frame, frame after frame (empty for 0 frames). */
  readonly pixels: Uint16Array;
  /** `pixels` cut into one array a frame. */
  readonly frames: Uint16Array[];
  /** entry/data/timestamps, one a frame (empty for 0 frames). */
  readonly timestamps: number[];
}

/** The frames and times in a closed frame file. */
export function readFrames(path: string): FrameFile {
  const file = new h5wasm.File(path, "r");
  try {
    const data = file.get("entry/data/data") as InstanceType<typeof h5wasm.Dataset>;
    const times = file.get("entry/data/timestamps") as InstanceType<typeof h5wasm.Dataset>;
    const shape = data.shape ?? [];
    const [n = 0, height = 0, width = 0] = shape;
    const pixels = n > 0 ? (data.value as Uint16Array) : new Uint16Array(0);
    const size = height * width;
    const frames = Array.from({ length: n }, (_, i) => pixels.slice(i * size, (i + 1) * size));
    const timestamps = n > 0 ? [...(times.value as Float64Array)] : [];
    return { shape, pixels, frames, timestamps };
  } finally {
    file.close();
  }
}
