import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RunEngine,
  VirtualClock,
  flyScan,
  parseDocument,
  type NamedDocument,
  type StreamAsset,
  type StreamDatum,
  type TriggeredDetector,
} from "../../../src/index.js";
import { SimCamera, SimMotor, type PulseSource, type PulseTrain } from "../../../sim/index.js";
import { type FrameFile, readFrames } from "../../support/hdf5.js";

let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "sim-camera-"));
  await h5wasm.ready;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const WIDTH = 32;
const HEIGHT = 24;

function camera(options: Partial<ConstructorParameters<typeof SimCamera>[0]> = {}) {
  const clock = options.clock instanceof VirtualClock ? options.clock : new VirtualClock();
  const cam = new SimCamera({
    name: "cam",
    clock,
    directory,
    width: WIDTH,
    height: HEIGHT,
    exposure: 0.2,
    seed: 1,
    beam: { pixelSize: 0.05, flux: 1e6, sigma: [0.3, 0.2] },
    ...options,
  });
  return { clock, cam };
}

/** The frames and times in a closed file, each frame WIDTH x HEIGHT. */
function readFile(path: string): FrameFile {
  const read = readFrames(path);
  expect(read.shape.slice(1)).toEqual([HEIGHT, WIDTH]);
  return read;
}

const total = (frame: Uint16Array): number => frame.reduce((a, b) => a + b, 0);

/** Adds what the engine adds, then checks each document against event-model's schema. */
function validate(assets: StreamAsset[]): void {
  for (const [name, doc] of assets) {
    const full =
      name === "stream_resource" ? { ...doc, run_start: "run-1" } : { ...doc, descriptor: "d-1" };
    expect(() => parseDocument([name, full])).not.toThrow();
  }
}

/** A trigger source whose pulses fire at given times, as a position compare would. */
function pulsesAt(times: number[]): PulseSource & { pulses: PulseTrain } {
  const train: PulseTrain = {
    total: times.length,
    countAt: (t) => times.filter((time) => time <= t).length,
    timeOf: (i) => times[i]!,
  };
  return { name: "pco", pulses: train };
}

describe("SimCamera in step scans", () => {
  it("describes its frame as an external STREAM: data key and reads nothing of it", async () => {
    const { cam } = camera();
    const key = {
      source: "sim://cam",
      dtype: "array",
      shape: [HEIGHT, WIDTH],
      dtype_numpy: "<u2",
      external: "STREAM:",
    };
    expect(await cam.describe()).toEqual({ cam: key });
    expect(await cam.describeCollect()).toEqual({ cam: key });
    expect(await cam.read()).toEqual({});
    expect(await cam.readConfiguration()).toEqual({ cam_exposure: { value: 0.2, timestamp: 0 } });
  });

  it("exposes on the clock, writes each frame and describes it once", async () => {
    const { clock, cam } = camera();
    await cam.stage();
    const path = cam.filePath!;
    expect(path).toMatch(new RegExp(`^${directory}/cam-[0-9a-f-]{36}\\.h5$`));
    await cam.trigger();
    expect(clock.now()).toBeCloseTo(0.2);
    expect(await cam.getIndex()).toBe(1);
    const first = await cam.collectAssetDocs();
    expect(first.map(([name]) => name)).toEqual(["stream_resource", "stream_datum"]);
    const [, resource] = first[0] as Extract<StreamAsset, ["stream_resource", unknown]>;
    expect(resource).toMatchObject({
      data_key: "cam",
      mimetype: "application/x-hdf5",
      // a contiguous dataset, read a frame at a time
      parameters: { dataset: "/entry/data/data", chunk_shape: [1, HEIGHT, WIDTH] },
    });
    expect(fileURLToPath(resource.uri.replace("file://localhost/", "file:///"))).toBe(path);
    expect(first[1]![1]).toEqual({
      uid: `${resource.uid}/0`,
      stream_resource: resource.uid,
      indices: { start: 0, stop: 1 },
      seq_nums: { start: 1, stop: 2 },
    });
    expect(await cam.collectAssetDocs()).toEqual([]);

    await cam.exposure.set(0.5);
    await cam.trigger();
    await cam.trigger();
    const later = await cam.collectAssetDocs(2);
    expect(later).toEqual([
      [
        "stream_datum",
        {
          uid: `${resource.uid}/1`,
          stream_resource: resource.uid,
          indices: { start: 1, stop: 2 },
          seq_nums: { start: 2, stop: 3 },
        },
      ],
    ]);
    const rest = await cam.collectAssetDocs();
    expect(rest[0]![1]).toMatchObject({ uid: `${resource.uid}/2`, indices: { start: 2, stop: 3 } });
    validate([...first, ...later, ...rest]);
    await cam.unstage();

    const { frames, timestamps } = readFile(path);
    expect(frames).toHaveLength(3);
    expect(timestamps).toEqual([0, 0.2, 0.7]);
    // 2.5 times the exposure, about 2.5 times the photons
    expect(total(frames[1]!) / total(frames[0]!)).toBeCloseTo(2.5, 1);
  });

  it("opens a new file for each run and describes it anew", async () => {
    const { cam } = camera();
    await cam.stage();
    const first = cam.filePath;
    await cam.trigger();
    const [resource1] = await cam.collectAssetDocs();
    await cam.unstage();
    expect(cam.filePath).toBeUndefined();
    await cam.stage();
    expect(cam.filePath).not.toBe(first);
    await cam.trigger();
    const [resource2, datum] = await cam.collectAssetDocs();
    expect(resource2![0]).toBe("stream_resource");
    expect(resource2![1].uid).not.toBe(resource1![1].uid);
    expect(datum![1]).toMatchObject({ indices: { start: 0, stop: 1 } });
    await cam.unstage();
  });

  it("gives the same frames for the same seed", async () => {
    const frames = async (seed: number): Promise<Uint16Array[]> => {
      const { cam } = camera({ seed });
      await cam.stage();
      const path = cam.filePath!;
      await cam.trigger();
      await cam.trigger();
      await cam.unstage();
      return readFile(path).frames;
    };
    const a = await frames(3);
    expect(await frames(3)).toEqual(a);
    expect(await frames(4)).not.toEqual(a);
    expect(a[0]).not.toEqual(a[1]);
  });

  it("refuses to trigger unstaged or while acquiring, naming itself", async () => {
    const { cam } = camera();
    await expect(cam.trigger()).rejects.toThrow("cam: is not staged");
    expect(await cam.getIndex()).toBe(0);
    expect(await cam.collectAssetDocs()).toEqual([]);
    await cam.stage();
    const first = cam.trigger();
    await expect(cam.trigger()).rejects.toThrow("cam is already acquiring");
    await first;
    await cam.unstage();
  });

  it("sees the beam through a slit whose gap comes from a motor", async () => {
    const clock = new VirtualClock();
    // shut until t = 1, then wide open
    const gap = { name: "s1_gap", positionAt: (t: number) => (t < 1 ? 0 : 5) };
    const { cam } = camera({ clock, slit: { gap } });
    await cam.stage();
    const path = cam.filePath!;
    await cam.trigger();
    await clock.sleep(1);
    await cam.trigger();
    await cam.unstage();
    const [shut, open] = readFile(path).frames;
    // dark counts only (2/s over 768 pixels for 0.2 s) against ~2e5 photons
    expect(total(shut!)).toBeLessThan(1000);
    expect(total(open!)).toBeGreaterThan(1e5);
  });
});

describe("SimCamera in fly scans", () => {
  it("takes a frame at each pulse of a train, lazily, with no timer per pulse", async () => {
    const clock = new VirtualClock({ auto: false });
    const gap = { name: "s1_gap", positionAt: (t: number) => (t < 2 ? 0 : 5) };
    const { cam } = camera({ clock, slit: { gap } });
    await cam.stage();
    const path = cam.filePath!;
    const pulses = [1, 1.5, 2.25, 3, 10];
    await cam.prepare({ frames: 5, livetime: 0.1, trigger: pulsesAt(pulses) });
    await cam.kickoff();
    expect(await cam.getIndex()).toBe(0);
    await clock.advance(1.55);
    // pulse 1.5 still exposing until 1.6
    expect(await cam.getIndex()).toBe(1);
    await clock.advance(1.5);
    expect(await cam.getIndex()).toBe(3);
    expect(clock.pendingTimers).toBe(0);
    const docs = await cam.collectAssetDocs();
    expect(docs.map(([, doc]) => ("indices" in doc ? doc.indices : "resource"))).toEqual([
      "resource",
      { start: 0, stop: 3 },
    ]);
    validate(docs);

    let doneAt: number | undefined;
    const complete = cam.complete();
    complete.addCallback(() => (doneAt = clock.now()));
    await clock.advance(6);
    expect(doneAt).toBeUndefined();
    await clock.advance(1.1);
    await complete;
    expect(doneAt).toBeCloseTo(10.1); // the last pulse's frame ends then
    expect(await cam.getIndex()).toBe(5);
    const more = await cam.collectAssetDocs();
    expect(more[0]![1]).toMatchObject({ indices: { start: 3, stop: 5 }, seq_nums: { start: 4 } });
    await cam.unstage();

    const { frames, timestamps } = readFile(path);
    expect(timestamps).toEqual(pulses);
    // each frame sees the slit as it was at its pulse
    expect(frames.map((f) => total(f) > 1e4)).toEqual([false, false, true, true, true]);
  });

  it("free-runs at its period on the internal trigger", async () => {
    const clock = new VirtualClock({ start: 100 });
    const { cam } = camera({ clock });
    await cam.stage();
    const path = cam.filePath!;
    await cam.prepare({ frames: 4, livetime: 0.1, period: 0.25, trigger: "internal" });
    await cam.kickoff();
    await cam.complete();
    expect(clock.now()).toBeCloseTo(100.85);
    expect(await cam.getIndex()).toBe(4);
    await cam.unstage();
    const { timestamps } = readFile(path);
    expect(timestamps).toEqual([100, 100.25, 100.5, 100.75]);
  });

  it("writes the frames taken when unstaged in flight, and can fly again after complete", async () => {
    const clock = new VirtualClock({ auto: false });
    const { cam } = camera({ clock });
    await cam.stage();
    const path = cam.filePath!;
    await cam.prepare({ frames: 2, livetime: 0.1, trigger: "internal" });
    await cam.kickoff();
    await expect(cam.trigger()).rejects.toThrow("cam is flying");
    await clock.advance(0.25);
    await cam.complete();
    await cam.prepare({ frames: 10, livetime: 0.1, trigger: "internal" });
    await cam.kickoff();
    const complete = cam.complete();
    await clock.advance(0.35);
    await cam.unstage();
    await expect(complete).rejects.toThrow("cam: was unstaged");
    expect(readFile(path).frames).toHaveLength(2 + 3);
  });

  it("refuses a bad prepare and a kickoff without a train; a short train ends with fewer frames", async () => {
    const { cam } = camera();
    await cam.stage();
    await expect(cam.prepare({ frames: 0, livetime: 0.1, trigger: "internal" })).rejects.toThrow(
      /^cam: cannot prepare: frames/,
    );
    await expect(
      cam.prepare({ frames: 2, livetime: 0.5, period: 0.1, trigger: "internal" }),
    ).rejects.toThrow("cam: cannot prepare: period 0.1 s must be >= livetime 0.5 s");
    await expect(cam.prepare({ frames: 2, trigger: { name: "m1" } })).rejects.toThrow(
      'trigger must be "internal" or a PulseSource',
    );
    await expect(cam.kickoff()).rejects.toThrow("cam: was not prepared");
    await expect(cam.complete()).rejects.toThrow("cam: was not kicked off");

    await cam.prepare({ frames: 2, livetime: 0.1, trigger: { name: "m1", pulses: undefined } });
    await expect(cam.kickoff()).rejects.toThrow("cam: m1 has no pulse train armed");

    await cam.prepare({ frames: 3, livetime: 0.1, trigger: pulsesAt([1, 2]) });
    await cam.kickoff();
    await cam.complete();
    expect(cam.clock.now()).toBeCloseTo(2.1);
    expect(await cam.getIndex()).toBe(2);
    await cam.unstage();
  });

  it("waits for a train that starts later and hears when it is cut", async () => {
    const clock = new VirtualClock();
    const listeners = new Set<() => void>();
    let start = Infinity;
    let fired = 4;
    const train: PulseTrain & { onChange(listener: () => void): () => void } = {
      get total() {
        return fired;
      },
      countAt: (t) => (t < start ? 0 : Math.min(fired, Math.floor(t - start) + 1)),
      timeOf: (i) => start + i,
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const changed = (): void => listeners.forEach((listener) => listener());
    const { cam } = camera({ clock });
    await cam.stage();
    /** Kicks off 4 frames on a train that starts `after` seconds later. */
    const fly = async (after: number) => {
      start = Infinity;
      await cam.prepare({ frames: 4, livetime: 0.1, trigger: { name: "m1", pulses: train } });
      await cam.kickoff();
      const complete = cam.complete();
      clock.schedule(after, () => {
        start = clock.now();
        changed();
      });
      return complete;
    };
    await fly(5);
    expect(clock.now()).toBeCloseTo(8.1);

    const cut = fly(1);
    clock.schedule(2.5, () => {
      fired = 2;
      changed();
    });
    await cut; // with the two frames the train fired
    expect(clock.now()).toBeCloseTo(8.1 + 2.5);
    expect(await cam.getIndex()).toBe(4 + 2);
    await cam.unstage();
  });

  it("takes no frame after stop(); a waiting complete() fails unless the stop is a success", async () => {
    const clock = new VirtualClock();
    const { cam } = camera({ clock, exposure: 0.1 });
    await cam.stage();
    // livetime defaults to the exposure setting
    await cam.prepare({ frames: 10, trigger: "internal" });
    await cam.kickoff();
    const failed = cam.complete();
    clock.schedule(0.35, () => void cam.stop());
    await expect(failed).rejects.toThrow("cam: was stopped before its last frame");
    expect(await cam.getIndex()).toBe(3);
    await clock.sleep(1);
    expect(await cam.getIndex()).toBe(3);

    await cam.prepare({ frames: 10, livetime: 0.2, trigger: "internal" });
    await cam.kickoff();
    const finished = cam.complete();
    clock.schedule(0.5, () => void cam.stop({ success: true }));
    await finished;
    expect(await cam.getIndex()).toBe(3 + 2);
    await cam.unstage();
  });

  it("is a detector the fly plans can drive", () => {
    const { cam } = camera();
    const detector: TriggeredDetector = cam;
    expect(detector.name).toBe("cam");
  });
});

describe("SimCamera in a fly_scan through the RunEngine", () => {
  it("writes a frame per pulse of the motor's position compare, described for the run", async () => {
    const clock = new VirtualClock({ start: 1_700_000_000 });
    const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 8 });
    // the slit opens with m1: shut below 0
    const gap = { name: "m1", positionAt: (t: number) => Math.max(0, m1.positionAt(t)) * 2 };
    const { cam } = camera({ clock, slit: { gap } });
    const docs: NamedDocument[] = [];
    const re = new RunEngine({ clock });
    const num = 41;
    await re.run(
      flyScan([cam], m1, -1, 1, num, { time: 4, livetime: 0.05, flushPeriod: 1 }),
      (...doc) => void docs.push(doc),
    );
    for (const doc of docs) parseDocument(doc);
    const descriptor = docs.find(([name]) => name === "descriptor")![1];
    expect(descriptor).toMatchObject({ data_keys: { cam: { external: "STREAM:" } } });
    const resources = docs.filter(([name]) => name === "stream_resource");
    expect(resources).toHaveLength(1);
    const datums = docs
      .filter(([name]) => name === "stream_datum")
      .map(([, doc]) => doc as StreamDatum);
    expect(datums.length).toBeGreaterThan(1); // one per flush while flying
    expect(datums[0]!.indices.start).toBe(0);
    expect(datums.at(-1)!.indices.stop).toBe(num);
    datums.slice(1).forEach((d, i) => expect(d.indices.start).toBe(datums[i]!.indices.stop));
    const stop = docs.find(([name]) => name === "stop")![1];
    expect(stop).toMatchObject({ exit_status: "success", num_events: { primary: num } });

    const uri = (resources[0]![1] as { uri: string }).uri;
    const { frames, timestamps } = readFile(
      fileURLToPath(uri.replace("file://localhost/", "file:///")),
    );
    expect(frames).toHaveLength(num);
    expect(m1.pulses!.total).toBe(num);
    for (let i = 0; i < num; i++) expect(timestamps[i]).toBeCloseTo(m1.pulses!.timeOf(i), 9);
    // frames taken while m1 was below 0 see the shut slit
    const lit = frames.map((f) => total(f) > 1e4);
    expect(lit.slice(0, 19).some(Boolean)).toBe(false);
    expect(lit.slice(22).every(Boolean)).toBe(true);
  });
});
