import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
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
  StreamDatum,
  StreamResource,
  TriggerInfo,
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
import {
  BeamImage,
  type BeamImageOptions,
  type SlitAxisName,
  type SlitOpening,
} from "../detectors/beam-image.js";
import { FRAME_DATASET, Hdf5FrameWriter } from "../files/hdf5-frame-writer.js";
import { SeededRandom } from "../random.js";
import { FlyScanError } from "./fly-plan.js";
import { PeriodicPulseTrain } from "./periodic-pulse-train.js";
import type { PositionSource } from "./position-source.js";
import type { PulseSource, PulseTrain } from "./pulse-train.js";

/** A slit in the beam before the camera; each value a number or a motor's true position. */
export interface CameraSlit {
  gap: PositionSource | number;
  /** Default 0. */
  centre?: PositionSource | number;
  /** Which way the blades close (default "y": they limit rows). */
  axis?: SlitAxisName;
}

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

/** What prepare() takes for a fly scan: core's TriggerInfo, as the fly plans hand it. */
export interface SimCameraPrepare extends TriggerInfo {
  /** Frames to take after kickoff (fewer if the trigger's train is cut short). */
  frames: number;
  /** Seconds each frame exposes for from its trigger (default: the exposure setting). */
  livetime?: number;
  /**
   * A frame at each pulse of this device's armed train (a PulseSource such as a SimMotor
   * prepared with pulses; its `pulses` are looked up at kickoff), or free-running at `period`.
   */
  trigger: object | "internal";
  /** Seconds between internal triggers, >= livetime (default: livetime). */
  period?: number;
}

const isPulseSource = (value: unknown): value is PulseSource =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { name?: unknown }).name === "string" &&
  "pulses" in value;

const finitePositive = z.number().positive();

const prepareSchema = z.object({
  frames: z.int().positive(),
  livetime: finitePositive.optional(),
  trigger: z.custom<PulseSource | "internal">((v) => v === "internal" || isPulseSource(v), {
    message: 'must be "internal" or a PulseSource (a device with `pulses`)',
  }),
  period: finitePositive.optional(),
});

/** A prepare() value once checked, with its defaults. */
interface Prepared {
  frames: number;
  livetime: number;
  trigger: PulseSource | "internal";
  period: number;
}

/** Frames computed and written per append when catching up with a fly scan. */
const BATCH = 8;
/** Slack for times computed by adding periods and exposures, seconds. */
const TOLERANCE = 1e-9;
const MIMETYPE = "application/x-hdf5";

/** One kickoff to complete: a frame at each pulse of the train, up to `frames`. */
interface Flight {
  readonly frames: number;
  readonly livetime: number;
  readonly train: PulseTrain;
  /** Names the trigger source in errors. */
  readonly source: string;
  /** Frames of this flight in the file so far. */
  written: number;
  completion?: Status;
  /** When stop() ended it: frames not exposed by then are never taken. */
  stoppedAt: number;
  stopSuccess: boolean;
  /** Wakes a complete() waiting on the clock or the train. */
  wake?: () => void;
}

/** The file of the current run and how much of it documents describe. */
interface RunFile {
  readonly writer: Hdf5FrameWriter;
  readonly random: SeededRandom;
  resource?: Omit<StreamResource, "run_start">;
  described: number;
  datums: number;
}

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
  private readonly model: BeamCameraModel;
  private readonly slit: CameraSlit | undefined;
  private readonly random: SeededRandom;
  private exposureSetting: number;
  private runs = 0;
  private file: RunFile | undefined;
  private prepared: Prepared | undefined;
  private flight: Flight | undefined;
  private acquiring = false;
  private scratch: Uint16Array | undefined;

  constructor(options: SimCameraOptions) {
    const { name, clock, width = 512, height = 512, exposure = 0.1 } = options;
    super({ name });
    this.clock = clock;
    this.model = new BeamCameraModel(new BeamImage({ ...options.beam, width, height }));
    this.width = width;
    this.height = height;
    this.directory = resolve(options.directory);
    this.slit = options.slit;
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
    return this.file?.writer.path;
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
      this.file = { writer, random, described: 0, datums: 0 };
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
      file?.writer.close();
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
    const parsed = prepareSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (i) => `${i.path.join(".") || "value"} ${i.message}`,
      );
      return Status.failed(this.flyError(`cannot prepare: ${problems.join("; ")}`), options);
    }
    const { frames, trigger, livetime = this.exposureSetting, period = livetime } = parsed.data;
    if (!(livetime > 0) || !Number.isFinite(livetime)) {
      return Status.failed(this.flyError(`livetime must be > 0 s, got ${livetime}`), options);
    }
    if (period < livetime) {
      const message = `period ${period} s must be >= livetime ${livetime} s`;
      return Status.failed(this.flyError(`cannot prepare: ${message}`), options);
    }
    const refusal = this.busy();
    if (refusal) return Status.failed(refusal, options);
    this.prepared = { frames, trigger, livetime, period };
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

  async getIndex(): Promise<number> {
    this.catchUp();
    return this.file?.writer.frames ?? 0;
  }

  async collectAssetDocs(index?: number): Promise<StreamAsset[]> {
    if (index !== undefined && !(Number.isInteger(index) && index >= 0)) {
      throw new RangeError(`${this.name}: index must be an integer >= 0, got ${index}`);
    }
    const file = this.file;
    if (!file) return [];
    this.catchUp();
    const stop = Math.min(index ?? file.writer.frames, file.writer.frames);
    const start = file.described;
    if (stop <= start) return [];
    const assets: StreamAsset[] = [];
    if (!file.resource) {
      file.resource = {
        uid: randomUUID(),
        data_key: this.name,
        mimetype: MIMETYPE,
        uri: `file://localhost${pathToFileURL(file.writer.path).pathname}`,
        parameters: { dataset: FRAME_DATASET, chunk_shape: file.writer.chunkShape },
      };
      assets.push(["stream_resource", file.resource]);
    }
    const datum: Omit<StreamDatum, "descriptor"> = {
      uid: `${file.resource.uid}/${file.datums}`,
      stream_resource: file.resource.uid,
      indices: { start, stop },
      // one event per frame, counted from 1
      seq_nums: { start: start + 1, stop: stop + 1 },
    };
    assets.push(["stream_datum", datum]);
    file.datums += 1;
    file.described = stop;
    return assets;
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
      const frame = this.frame(file, file.writer.frames, start, exposure, this.frameBuffer(1));
      file.writer.append(frame, [start]);
      status.finish();
    } catch (error) {
      status.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.acquiring = false;
    }
  }

  /** Waits for the train's last frame to be exposed, then writes what is left. */
  private async finish(flight: Flight): Promise<void> {
    const { train, livetime } = flight;
    for (;;) {
      if (this.flight !== flight) throw this.flyError("was unstaged or kicked off again");
      const target = framesOf(flight);
      if (flight.stoppedAt !== Infinity) {
        this.catchUp();
        if (flight.written < target && !flight.stopSuccess) {
          throw this.flyError("was stopped before its last frame");
        }
        return;
      }
      const wait = target === 0 ? 0 : train.timeOf(target - 1) + livetime - this.clock.now();
      if (wait <= TOLERANCE) break;
      await this.waitOnTrain(flight, wait);
    }
    this.catchUp();
  }

  /**
   * Sleeps `seconds`, or until the train changes (a start, a cut) when it tells of changes,
   * or until stop().
   */
  private async waitOnTrain(flight: Flight, seconds: number): Promise<void> {
    const onChange = (flight.train as { onChange?: (listener: () => void) => () => void }).onChange;
    if (seconds === Infinity && !onChange) {
      throw this.flyError(`${flight.source} has no pulse times yet: kick it off first`);
    }
    const controller = new AbortController();
    const wake = (): void => controller.abort();
    flight.wake = wake;
    const unsubscribe = onChange?.call(flight.train, wake);
    try {
      if (seconds === Infinity) {
        await new Promise((done) => controller.signal.addEventListener("abort", done));
      } else {
        await this.clock.sleep(seconds, { signal: controller.signal });
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      unsubscribe?.();
      if (flight.wake === wake) flight.wake = undefined;
    }
  }

  /** Computes and writes the frames of the flight whose exposure has ended by now. */
  private catchUp(): void {
    const { flight, file } = this;
    if (!flight || !file) return;
    const { train, livetime } = flight;
    const end = Math.min(this.clock.now(), flight.stoppedAt);
    const exposed = Math.min(framesOf(flight), train.countAt(end - livetime + TOLERANCE));
    while (flight.written < exposed) {
      const n = Math.min(BATCH, exposed - flight.written);
      const buffer = this.frameBuffer(n);
      const size = this.width * this.height;
      const times = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const time = train.timeOf(flight.written + k);
        times[k] = time;
        const out = buffer.subarray(k * size, (k + 1) * size);
        this.frame(file, file.writer.frames + k, time, livetime, out);
      }
      file.writer.append(buffer, times);
      flight.written += n;
    }
  }

  /** Frame `index` of the file: its noise depends on the seed, the run and the index only. */
  private frame(
    file: RunFile,
    index: number,
    time: number,
    exposure: number,
    out: Uint16Array,
  ): Uint16Array {
    return this.model.frame(exposure, this.slitAt(time), file.random.fork(`${index}`), out);
  }

  private slitAt(time: number): SlitOpening | undefined {
    const slit = this.slit;
    if (!slit) return undefined;
    const at = (value: PositionSource | number | undefined): number =>
      typeof value === "object" ? value.positionAt(time) : (value ?? 0);
    return { gap: at(slit.gap), centre: at(slit.centre), axis: slit.axis ?? "y" };
  }

  /** Room for n frames end to end, reused from call to call. */
  private frameBuffer(n: number): Uint16Array {
    const size = this.width * this.height;
    if (!this.scratch || this.scratch.length < n * size) {
      this.scratch = new Uint16Array(Math.max(n, 1) * size);
    }
    return this.scratch.subarray(0, n * size);
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

/** Frames the flight takes: as prepared, or fewer when its train fires fewer pulses. */
function framesOf(flight: Flight): number {
  return Math.min(flight.frames, flight.train.total);
}
