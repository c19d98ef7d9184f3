// HDF5 frame writing against the disk's own pace: 512x512 uint16 frames appended through
// Hdf5FrameWriter (frames written straight to the file, its own HDF5 metadata) beside
// fs.writeSync of the same bytes to a plain file, taking turns in each round; the writer's
// time runs until its file is closed, complete. Then frames per second of the model alone and
// of SimCamera (model + write) in a fly scan and in a step scan. Each figure is the median of
// the rounds. Each file is removed once timed, so that the page cache writing back one case's
// data does not slow the next.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  BeamCameraModel,
  BeamImage,
  Hdf5FrameWriter,
  SeededRandom,
  SimCamera,
  VirtualClock,
} from "../src/index.js";
import { median, printTable } from "./table.js";

const SIDE = 512;
const FRAME_BYTES = SIDE * SIDE * 2;
const FRAMES = 100;
const ROUNDS = 9;
/** Frames per append in the batched case: what SimCamera appends when catching up. */
const BATCH = 8;

const mbPerSecond = (frames: number, ms: number): number =>
  (frames * FRAME_BYTES) / 1e6 / (ms / 1e3);

function rawWrites(path: string, frame: Uint16Array): number {
  const fd = openSync(path, "w");
  try {
    globalThis.gc?.(); // no collection of earlier cases' buffers inside the timed part
    const start = performance.now();
    for (let i = 0; i < FRAMES; i++) writeSync(fd, frame);
    return performance.now() - start;
  } finally {
    closeSync(fd);
  }
}

async function hdf5Appends(path: string, frame: Uint16Array, perCall: number): Promise<number> {
  const writer = await Hdf5FrameWriter.create({ path, height: SIDE, width: SIDE });
  const pixels = new Uint16Array(frame.length * perCall);
  for (let k = 0; k < perCall; k++) pixels.set(frame, k * frame.length);
  const times = new Float64Array(perCall);
  try {
    globalThis.gc?.();
    const start = performance.now();
    for (let i = 0; i < FRAMES; i += perCall) {
      const n = Math.min(perCall, FRAMES - i); // exactly FRAMES frames, as the baseline
      writer.append(pixels.subarray(0, n * frame.length), times.subarray(0, n));
    }
    writer.close(); // timed: the file is complete only once closed
    return performance.now() - start;
  } finally {
    writer.close();
  }
}

function modelFrames(model: BeamCameraModel, random: SeededRandom, out: Uint16Array): number {
  const start = performance.now();
  for (let i = 0; i < FRAMES; i++) model.frame(0.1, undefined, random.fork(`${i}`), out);
  return performance.now() - start;
}

function camera(directory: string): SimCamera {
  return new SimCamera({
    name: "cam",
    clock: new VirtualClock(),
    directory,
    width: SIDE,
    height: SIDE,
    exposure: 0.1,
  });
}

async function cameraFly(directory: string): Promise<number> {
  const cam = camera(directory);
  await cam.stage();
  try {
    const start = performance.now();
    await cam.prepare({ frames: FRAMES, livetime: 0.1, trigger: "internal" });
    await cam.kickoff();
    await cam.complete();
    return performance.now() - start;
  } finally {
    await cam.unstage();
  }
}

async function cameraSteps(directory: string): Promise<number> {
  const cam = camera(directory);
  await cam.stage();
  try {
    const start = performance.now();
    for (let i = 0; i < FRAMES; i++) {
      await cam.trigger();
      await cam.collectAssetDocs();
    }
    return performance.now() - start;
  } finally {
    await cam.unstage();
  }
}

export async function hdf5Bench(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "hdf5-bench-"));
  try {
    const model = new BeamCameraModel(new BeamImage({ width: SIDE, height: SIDE }));
    const random = new SeededRandom(1);
    const frame = model.frame(0.1, undefined, random);
    const times = {
      raw: [] as number[],
      one: [] as number[],
      batch: [] as number[],
    };
    const fps = { model: [] as number[], fly: [] as number[], steps: [] as number[] };
    const scratch = new Uint16Array(SIDE * SIDE);
    await hdf5Appends(join(directory, "warm.h5"), frame, 1); // warms the writer's code
    for (let round = 0; round < ROUNDS; round++) {
      /** Times writing one file, then removes it. */
      const timed = async (name: string, write: (path: string) => Promise<number> | number) => {
        const path = join(directory, `${name}-${round}`);
        try {
          return await write(path);
        } finally {
          rmSync(path, { force: true });
        }
      };
      times.raw.push(await timed("raw.bin", (path) => rawWrites(path, frame)));
      times.one.push(await timed("one.h5", (path) => hdf5Appends(path, frame, 1)));
      times.batch.push(await timed("batch.h5", (path) => hdf5Appends(path, frame, BATCH)));
      fps.model.push((FRAMES / modelFrames(model, random, scratch)) * 1e3);
      fps.fly.push((FRAMES / (await cameraFly(directory))) * 1e3);
      fps.steps.push((FRAMES / (await cameraSteps(directory))) * 1e3);
      // the cameras' files too
      rmSync(directory, { recursive: true, force: true });
      mkdirSync(directory);
    }
    const raw = mbPerSecond(FRAMES, median(times.raw));
    const one = mbPerSecond(FRAMES, median(times.one));
    const batch = mbPerSecond(FRAMES, median(times.batch));
    const perSecond = (mb: number): string => ((mb * 1e6) / FRAME_BYTES).toFixed(0);
    printTable(
      [
        `case (${SIDE}x${SIDE} uint16, ${FRAMES} frames, median of ${ROUNDS})`,
        "MB/s",
        "frames/s",
        "ratio",
      ],
      [
        ["fs.writeSync of the frames (baseline)", raw.toFixed(0), perSecond(raw), "1.00"],
        [
          "Hdf5FrameWriter.append, 1 frame a call",
          one.toFixed(0),
          perSecond(one),
          (one / raw).toFixed(2),
        ],
        [
          `Hdf5FrameWriter.append, ${BATCH} frames a call`,
          batch.toFixed(0),
          perSecond(batch),
          (batch / raw).toFixed(2),
        ],
        ["BeamCameraModel.frame (noise, no file)", "", median(fps.model).toFixed(0), ""],
        ["SimCamera fly scan, internal trigger", "", median(fps.fly).toFixed(0), ""],
        ["SimCamera step scan, trigger + collect", "", median(fps.steps).toFixed(0), ""],
      ],
    );
    console.log(`\ntarget: the writer at >= 0.80x the raw writes`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

// `node --import tsx bench/hdf5.bench.ts` runs this one alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await hdf5Bench();
