import { fileURLToPath } from "node:url";
import type H5wasm from "h5wasm/node";
import type { StreamResource } from "../../core/index.js";

/** h5wasm: HDF5 compiled to WebAssembly, reading and writing files on the local disk. */
export type Hdf5 = typeof H5wasm;

let library: Hdf5 | undefined;
let loading: Promise<Hdf5> | undefined;

/** HDF5 once loaded, else undefined: loading it is left to the first run that needs it. */
export function loadedHdf5(): Hdf5 | undefined {
  return library;
}

/** Loads HDF5 (about a second, once per process). */
export function loadHdf5(): Promise<Hdf5> {
  loading ??= import("h5wasm/node").then(async ({ default: h5wasm }) => {
    await h5wasm.ready;
    library = h5wasm;
    return h5wasm;
  });
  return loading;
}

/** Where a stream resource's HDF5 file is on this machine, and the dataset of its frames. */
export function resourceFrames(resource: StreamResource): { path: string; dataset: string } {
  return {
    path: fileURLToPath(resource.uri.replace(/^file:\/\/localhost\//, "file:///")),
    dataset: String(resource.parameters.dataset ?? "/entry/data/data"),
  };
}
