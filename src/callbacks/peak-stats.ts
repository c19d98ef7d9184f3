import type { Event, EventDescriptor, RunStart } from "../core/index.js";
import { CallbackBase } from "./callback-base.js";
import { numberInEvent } from "./event-field.js";

/** What PeakStats finds in a scan; a point is [x, y]. */
export interface PeakStatistics {
  /** Midway between the half-maximum crossings; undefined when the peak is cut off on a side. */
  cen: number | undefined;
  /** Centre of mass of y - min(y); undefined for a flat signal. */
  com: number | undefined;
  max: [number, number];
  min: [number, number];
  /** Distance between the half-maximum crossings; undefined when cen is. */
  fwhm: number | undefined;
}

/**
 * Peak statistics of y against x, over the background-free signal y - min(y). Points are
 * taken in order of x, so a scan in either direction gives the same answer. Undefined for
 * fewer than 2 points.
 */
export function peakStatistics(
  xs: readonly number[],
  ys: readonly number[],
): PeakStatistics | undefined {
  if (xs.length !== ys.length) {
    throw new RangeError(`${xs.length} x values but ${ys.length} y values`);
  }
  const points = xs.map((x, i): [number, number] => [x, ys[i]!]).sort((a, b) => a[0] - b[0]);
  if (points.length < 2) return undefined;
  let top = 0;
  let bottom = 0;
  for (const [i, [, y]] of points.entries()) {
    if (y > points[top]![1]) top = i;
    if (y < points[bottom]![1]) bottom = i;
  }
  const floor = points[bottom]![1];
  const signal = points.map(([x, y]): [number, number] => [x, y - floor]);
  const weight = signal.reduce((sum, [, w]) => sum + w, 0);
  const com = weight > 0 ? signal.reduce((sum, [x, w]) => sum + x * w, 0) / weight : undefined;
  const half = signal[top]![1] / 2;
  const left = halfCrossing(signal, top, -1, half);
  const right = halfCrossing(signal, top, 1, half);
  const found = left !== undefined && right !== undefined && half > 0;
  return {
    cen: found ? (left + right) / 2 : undefined,
    com,
    max: [...points[top]!],
    min: [...points[bottom]!],
    fwhm: found ? right - left : undefined,
  };
}

/** Walks from the peak towards one end to where the signal falls below half; interpolates there. */
function halfCrossing(
  signal: ReadonlyArray<[number, number]>,
  peak: number,
  step: 1 | -1,
  half: number,
): number | undefined {
  for (let i = peak; i + step >= 0 && i + step < signal.length; i += step) {
    const [x0, y0] = signal[i]!;
    const [x1, y1] = signal[i + step]!;
    if (y1 < half) return x0 + ((half - y0) * (x1 - x0)) / (y1 - y0);
  }
  return undefined;
}

export interface PeakStatsOptions {
  /** Receives each line of the report, without its newline. */
  out?: (line: string) => void;
  stream?: string;
}

const writeLine = (line: string): void => void process.stdout.write(`${line}\n`);

/** Collects (x, y) over a run and reports the peak at stop, as bluesky's PeakStats. */
export class PeakStats extends CallbackBase {
  /** Set at stop; undefined before, and for runs of fewer than 2 points. */
  stats: PeakStatistics | undefined;
  private readonly x: string;
  private readonly y: string;
  private readonly out: (line: string) => void;
  private readonly stream: string;
  private readonly descriptors = new Set<string>();
  private xs: number[] = [];
  private ys: number[] = [];

  constructor(
    x: string,
    y: string,
    { out = writeLine, stream = "primary" }: PeakStatsOptions = {},
  ) {
    super();
    this.x = x;
    this.y = y;
    this.out = out;
    this.stream = stream;
  }

  override start(_doc: RunStart): void {
    this.stats = undefined;
    this.descriptors.clear();
    this.xs = [];
    this.ys = [];
  }

  override descriptor(doc: EventDescriptor): void {
    if (doc.name === this.stream) this.descriptors.add(doc.uid);
  }

  override event(doc: Event): void {
    if (!this.descriptors.has(doc.descriptor)) return;
    const x = numberInEvent(doc, this.x);
    const y = numberInEvent(doc, this.y);
    // Skips rows without both values rather than poisoning the sums.
    if (x === undefined || y === undefined) return;
    this.xs.push(x);
    this.ys.push(y);
  }

  override stop(): void {
    this.stats = peakStatistics(this.xs, this.ys);
    const stats = this.stats;
    if (!stats) {
      this.out(`peak stats of ${this.y} against ${this.x}: too few points (${this.xs.length})`);
      return;
    }
    const number = (value: number | undefined): string =>
      value === undefined ? "n/a" : String(Number(value.toPrecision(6)));
    const point = ([x, y]: [number, number]): string => `[${number(x)}, ${number(y)}]`;
    this.out(`peak stats of ${this.y} against ${this.x}:`);
    this.out(`  cen  ${number(stats.cen)}`);
    this.out(`  com  ${number(stats.com)}`);
    this.out(`  max  ${point(stats.max)}`);
    this.out(`  min  ${point(stats.min)}`);
    this.out(`  fwhm ${number(stats.fwhm)}`);
  }
}
