import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type {
  Clock,
  DataKey,
  DataKeys,
  Flyable,
  Preparable,
  Readings,
  SignalRW,
  StopOptions,
  Stoppable,
  StreamAsset,
  Triggerable,
  TriggerEstimator,
  WritesStreamAssets,
} from "../../src/core/index.js";
import {
  Device,
  HilError,
  StagingError,
  Status,
  datatype,
  softSignalRW,
} from "../../src/core/index.js";
import { BeamCameraModel } from "../detectors/beam-camera-model.js";
import { BeamImage, type BeamImageOptions } from "../detectors/beam-image.js";
import { Hdf5FrameWriter } from "../files/hdf5-frame-writer.js";
import { SeededRandom } from "../random.js";
import {
  exposedBy,
  framesOf,
  timeToLastFrame,
  waitOnTrain,
  type CameraFlight,
} from "./camera-flight.js";
import { checkPrepare, type CameraPrepared, type SimCameraPrepare } from "./camera-prepare.js";
import { CameraRunFile } from "./camera-run-file.js";
import { CameraFrameRenderer } from "./camera-frame-renderer.js";
import type { CameraSlit } from "./camera-slit.js";
import { FlyScanError } from "./fly-plan.js";
import { PeriodicPulseTrain } from "./periodic-pulse-train.js";

export interface SimCameraOptions {
  name: string;
  clock: Clock;
  /** Where each run's HDF5 file is written; made if missing. */
  directory: string;
  /** Pixels per row (default 512). */
  width?: number;
  /** Rows (default 512). */
  height?: number;
  /** Seconds each trigger() acquires for (default 0.1). */
  exposure?: number;
  seed?: number;
  /** The beam the camera looks at, in mm and photons/s (see BeamImageOptions). */
  beam?: Omit<BeamImageOptions, "width" | "height">;
  slit?: CameraSlit;
}

/** Frames computed and written per append when catching up with a fly scan. */
const BATCH = 8;

/**
 * An area detector on a simulated beam, writing uint16 frames to one HDF5 file per run
 * (`<directory>/<name>-<uuid>.h5`, dataset /entry/data/data), described by stream_resource
 * and stream_datum documents. Its data key is external ("STREAM:"): read() gives nothing of
 * the frames.
 *
 * Step scans: trigger() exposes for `exposure` seconds on the clock and writes the frame.
 * Fly scans: prepare({frames, livetime, trigger}) then kickoff()/complete(). On a pulse train
 * a frame is taken at each pulse, computed from the model at the pulse's time; nothing runs
 * per pulse: the frames exposed by now are computed and written when getIndex(),
 * collectAssetDocs(), complete(), stop() or unstage() is called. As SimDetector: a train cut
 * short ends the flight with the frames it triggered; stop() takes no frame after it.
 */
export class SimCamera
  extends Device
  implements
    Triggerable,
    TriggerEstimator,
    WritesStreamAssets,
    Preparable<SimCameraPrepare>,
    Flyable,
    Stoppable
{
  readonly clock: Clock;
  readonly exposure: SignalRW<number>;
  readonly width: number;
  readonly height: number;
  /** Absolute directory the files go to. */
  readonly directory: string;
  private readonly renderer: CameraFrameRenderer;
  private readonly random: SeededRandom;
  private exposureSetting: number;
  private runs = 0;
  private file: CameraRunFile | undefined;
  private prepared: CameraPrepared | undefined;
  private flight: CameraFlight | undefined;
  private acquiring = false;

  constructor(options: SimCameraOptions) {
    const { name, clock, width = 512, height = 512, exposure = 0.1 } = options;
    super({ name });
    this.clock = clock;
    const model = new BeamCameraModel(new BeamImage({ ...options.beam, width, height }));
    this.renderer = new CameraFrameRenderer(model, options.slit);
    this.width = width;
    this.height = height;
    this.directory = resolve(options.directory);
    this.random = new SeededRandom(options.seed ?? 0).fork(name);
    this.exposureSetting = exposure;
    this.exposure = this.add(
      "exposure",
      softSignalRW(datatype.float, exposure, { clock, units: "s" }),
      { kind: "config" },
    );
    this.exposure.subscribeValue((seconds) => (this.exposureSetting = seconds));
  }

  /** The file of the current run; undefined while not staged. */
  get filePath(): string | undefined {
    return this.file?.path;
  }

  /** The frame itself is external: only its data key, never its value. */
  override async read(): Promise<Readings> {
    return {};
  }

  override async describe(): Promise<DataKeys> {
    return { [this.name]: this.dataKey() };
  }

  async describeCollect(): Promise<DataKeys> {
    return this.describe();
  }

  estimateTriggerDuration(): number {
    return this.exposureSetting;
  }

  /** Opens a new file for this run. */
  override async stage(): Promise<void> {
    await super.stage();
    const path = join(this.directory, `${this.name}-${randomUUID()}.h5`);
    try {
      await mkdir(this.directory, { recursive: true });
      const writer = await Hdf5FrameWriter.create({
        path,
        height: this.height,
        width: this.width,
      });
      this.runs += 1;
      const random = this.random.fork(`run ${this.runs}`);
      this.file = new CameraRunFile(writer, random, this.name);
      this.flight = undefined;
    } catch (error) {
      await super.unstage();
      const reason = error instanceof Error ? error.message : String(error);
      throw new StagingError(this.name, `cannot open ${path}: ${reason}`);
    }
  }

  /** Writes the frames taken so far and closes the file; a waiting complete() fails. */
  override async unstage(): Promise<void> {
    const { file, flight } = this;
    try {
      if (file) this.catchUp();
    } finally {
      this.file = undefined;
      this.prepared = undefined;
      this.flight = undefined;
      flight?.wake?.();
      file?.close();
      await super.unstage();
    }
  }

  trigger(): Status {
    const status = new Status({ name: `${this.name} trigger`, clock: this.clock });
    const refusal = this.busy() ?? (this.file ? undefined : this.notStaged());
    if (refusal) status.fail(refusal);
    else void this.acquire(status);
    return status;
  }

  prepare(value: SimCameraPrepare): Status {
    const options = { name: `${this.name} prepare`, clock: this.clock };
    const prepared = checkPrepare(value, this.exposureSetting);
    if (typeof prepared === "string") return Status.failed(this.flyError(prepared), options);
    const refusal = this.busy();
    if (refusal) return Status.failed(refusal, options);
    this.prepared = prepared;
    return Status.finished(options);
  }

  kickoff(): Status {
    const options = { name: `${this.name} kickoff`, clock: this.clock };
    const prepared = this.prepared;
    const file = this.file;
    const refusal = this.busy() ?? (file ? undefined : this.notStaged());
    if (refusal) return Status.failed(refusal, options);
    if (!prepared) return Status.failed(this.flyError("was not prepared for a fly scan"), options);
    const { frames, trigger, livetime, period } = prepared;
    const train =
      trigger === "internal"
        ? new PeriodicPulseTrain(this.clock.now(), period, frames)
        : trigger.pulses;
    if (!train) {
      const why = `${trigger === "internal" ? "" : trigger.name} has no pulse train armed`;
      return Status.failed(this.flyError(`${why}: prepare it with pulses first`), options);
    }
    const source = trigger === "internal" ? `${this.name} (internal)` : trigger.name;
    this.prepared = undefined; // each kickoff needs its own prepare
    this.flight = {
      ...{ frames, livetime, train, source },
      ...{ written: 0, stoppedAt: Infinity, stopSuccess: false },
    };
    return Status.finished(options);
  }

  /** Ends a flight: no frame after now; a waiting complete() fails unless `success`. */
  async stop({ success = false }: StopOptions = {}): Promise<void> {
    const flight = this.flight;
    if (!flight || flight.stoppedAt !== Infinity) return;
    flight.stoppedAt = this.clock.now();
    flight.stopSuccess = success;
    this.catchUp();
    flight.wake?.();
  }

  /** Resolves once the last frame's exposure has ended and every frame is in the file. */
  complete(): Status {
    const flight = this.flight;
    if (!flight) {
      const options = { name: `${this.name} complete`, clock: this.clock };
      return Status.failed(this.flyError("was not kicked off"), options);
    }
    return (flight.completion ??= Status.wrap(this.finish(flight), {
      name: `${this.name} complete`,
      clock: this.clock,
    }));
  }

  /** Frames in the file that readers can see: the ones exposed by now are written first. */
  async getIndex(): Promise<number> {
    this.catchUp();
    return this.file?.flush() ?? 0;
  }

  async collectAssetDocs(index?: number): Promise<StreamAsset[]> {
    if (index !== undefined && !(Number.isInteger(index) && index >= 0)) {
      throw new RangeError(`${this.name}: index must be an integer >= 0, got ${index}`);
    }
    if (!this.file) return [];
    this.catchUp();
    return this.file.assetDocs(index);
  }

  private dataKey(): DataKey {
    return {
      source: `sim://${this.name}`,
      dtype: "array",
      shape: [this.height, this.width],
      dtype_numpy: "<u2",
      external: "STREAM:",
    };
  }

  private async acquire(status: Status): Promise<void> {
    this.acquiring = true;
    try {
      const exposure = this.exposureSetting;
      if (!(exposure > 0) || !Number.isFinite(exposure)) {
        throw new HilError(
          "HIL_CONFIGURATION",
          `${this.name}: exposure must be > 0, got ${exposure}`,
        );
      }
      const start = this.clock.now();
      await this.clock.sleep(exposure);
      const file = this.file;
      if (!file) throw new StagingError(this.name, "was unstaged during its exposure");
      file.append(this.renderer.render(file.random, file.frames, [start], exposure), [start]);
      status.finish();
    } catch (error) {
      status.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.acquiring = false;
    }
  }

  /** Waits for the train's last frame to be exposed, then writes what is left. */
  private async finish(flight: CameraFlight): Promise<void> {
    for (;;) {
      if (this.flight !== flight) throw this.flyError("was unstaged or kicked off again");
      if (flight.stoppedAt !== Infinity) {
        this.catchUp();
        if (flight.written < framesOf(flight) && !flight.stopSuccess) {
          throw this.flyError("was stopped before its last frame");
        }
        return;
      }
      const wait = timeToLastFrame(flight, this.clock.now());
      if (wait <= 0) break;
      await waitOnTrain(flight, this.clock, wait, () =>
        this.flyError(`${flight.source} has no pulse times yet: kick it off first`),
      );
    }
    this.catchUp();
  }

  /** Computes and writes the frames of the flight whose exposure has ended by now. */
  private catchUp(): void {
    const { flight, file } = this;
    if (!flight || !file) return;
    const { train, livetime } = flight;
    const exposed = exposedBy(flight, this.clock.now());
    while (flight.written < exposed) {
      const n = Math.min(BATCH, exposed - flight.written);
      const times = new Float64Array(n);
      for (let k = 0; k < n; k++) times[k] = train.timeOf(flight.written + k);
      file.append(this.renderer.render(file.random, file.frames, times, livetime), times);
      flight.written += n;
    }
  }

  private busy(): HilError | undefined {
    if (this.acquiring) return new HilError("HIL_BUSY", `${this.name} is already acquiring`);
    const flight = this.flight;
    if (flight && flight.stoppedAt === Infinity && !(flight.completion?.done ?? false)) {
      return new HilError("HIL_BUSY", `${this.name} is flying: complete() it first`);
    }
    return undefined;
  }

  private notStaged(): StagingError {
    return new StagingError(this.name, "is not staged: stage() opens the file frames go to");
  }

  private flyError(message: string): FlyScanError {
    return new FlyScanError(this.name, message);
  }
}
