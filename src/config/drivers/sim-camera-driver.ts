import { z } from "zod";
import { SimCamera } from "../../../sim/index.js";
import type { DriverSpec } from "../registry.js";
import { configNumber, nonNegative, positive } from "../value-schemas.js";

const pixels = configNumber(z.number().int().min(1).max(8192));
const pair = (value: typeof positive) => z.tuple([value, value]);

const cameraParams = z.strictObject({
  /** Where each run's HDF5 file goes, relative to the working directory (default out/frames). */
  directory: z.string().min(1).optional(),
  width: pixels.optional(),
  height: pixels.optional(),
  /** Seconds per trigger in a step scan, and per frame in a fly scan unless told otherwise. */
  exposure: positive.optional(),
  /** The beam it looks at: mm and photons/s. */
  beam: z
    .strictObject({
      pixelSize: positive.optional(),
      flux: nonNegative.optional(),
      centre: pair(configNumber(z.number())).optional(),
      sigma: pair(positive).optional(),
      darkRate: nonNegative.optional(),
    })
    .optional(),
  /** A slit in front of it, mm. */
  slit: z
    .strictObject({
      gap: nonNegative,
      centre: configNumber(z.number()).optional(),
      axis: z.enum(["x", "y"]).optional(),
    })
    .optional(),
});

export const simCameraDriver: DriverSpec<z.infer<typeof cameraParams>> = {
  name: "sim.camera",
  description: "an area detector on a Gaussian beam, writing uint16 frames to HDF5 files",
  params: cameraParams,
  build: ({ name, clock, seed, params }) => {
    const { directory = "out/frames", ...options } = params;
    return new SimCamera({ ...options, name, clock, seed, directory });
  },
};
