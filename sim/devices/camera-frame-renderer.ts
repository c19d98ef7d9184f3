import type { BeamCameraModel } from "../detectors/beam-camera-model.js";
import type { SeededRandom } from "../random.js";
import { slitOpeningAt, type CameraSlit } from "./camera-slit.js";

/** Computes a camera's frames from the beam model, end to end in one reused buffer. */
export class CameraFrameRenderer {
  private readonly model: BeamCameraModel;
  private readonly slit: CameraSlit | undefined;
  private readonly size: number;
  private scratch: Uint16Array | undefined;

  constructor(model: BeamCameraModel, slit: CameraSlit | undefined) {
    this.model = model;
    this.slit = slit;
    this.size = model.image.width * model.image.height;
  }

  /**
   * Frames `first`, `first + 1`, ... of a run exposed from each of `times` for `exposure`
   * seconds. A frame's noise depends on the run's random and its index only. The buffer is
   * reused: valid until the next call.
   */
  render(
    random: SeededRandom,
    first: number,
    times: ArrayLike<number>,
    exposure: number,
  ): Uint16Array {
    const { size } = this;
    const n = times.length;
    if (!this.scratch || this.scratch.length < n * size) {
      this.scratch = new Uint16Array(Math.max(n, 1) * size);
    }
    const frames = this.scratch.subarray(0, n * size);
    for (let k = 0; k < n; k++) {
      const time = times[k]!;
      const slit = this.slit && slitOpeningAt(this.slit, time);
      const out = frames.subarray(k * size, (k + 1) * size);
      this.model.frame(exposure, slit, random.fork(`${first + k}`), out);
    }
    return frames;
  }
}
