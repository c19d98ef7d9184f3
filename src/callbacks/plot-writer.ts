import { writeFileSync } from "node:fs";
import type { Event, EventDescriptor, RunStart, RunStop } from "../core/index.js";
import { CallbackBase } from "./callback-base.js";
import { numberInEvent } from "./event-field.js";

export interface LinePlot {
  xs: readonly number[];
  ys: readonly number[];
  xLabel: string;
  yLabel: string;
  title: string;
}

const width = 640;
const height = 400;
/** The plot area inside the margins that hold ticks, labels and the title. */
const area = { left: 80, right: width - 24, top: 44, bottom: height - 56 };

interface Axis {
  low: number;
  high: number;
  ticks: number[];
  decimals: number;
}

/** Ticks at 1, 2 or 5 × 10^k apart, about `count` of them, the axis ending on ticks. */
function niceAxis(values: readonly number[], count = 5): Axis {
  let low = values.length > 0 ? Math.min(...values) : 0;
  let high = values.length > 0 ? Math.max(...values) : 1;
  if (!(high > low)) {
    const pad = low === 0 ? 1 : Math.abs(low) / 10;
    low -= pad;
    high += pad;
  }
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const first = Math.floor(low / step + 1e-9);
  const last = Math.ceil(high / step - 1e-9);
  // Rounded to the step's decimals, so 0.30000000000000004 is written as 0.3.
  const ticks = Array.from({ length: last - first + 1 }, (_, i) =>
    Number(((first + i) * step).toFixed(decimals)),
  );
  return { low: ticks[0]!, high: ticks.at(-1)!, ticks, decimals };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fixed = (n: number): string => n.toFixed(2);

/** An SVG line plot with point markers, written by hand so it needs no plotting library. */
export function renderLinePlot({ xs, ys, xLabel, yLabel, title }: LinePlot): string {
  if (xs.length !== ys.length) {
    throw new RangeError(`${xs.length} x values but ${ys.length} y values`);
  }
  const points = xs
    .map((x, i): [number, number] => [x, ys[i]!])
    .filter(([x, y]) => isFinite(x) && isFinite(y));
  const xAxis = niceAxis(points.map(([x]) => x));
  const yAxis = niceAxis(points.map(([, y]) => y));
  const px = (x: number): number =>
    area.left + ((x - xAxis.low) / (xAxis.high - xAxis.low)) * (area.right - area.left);
  const py = (y: number): number =>
    area.bottom - ((y - yAxis.low) / (yAxis.high - yAxis.low)) * (area.bottom - area.top);
  const xTicks = xAxis.ticks.map((t) => {
    const x = fixed(px(t));
    return (
      `<line x1="${x}" y1="${area.bottom}" x2="${x}" y2="${area.bottom + 5}" stroke="black"/>` +
      `<text class="tick" x="${x}" y="${area.bottom + 18}" text-anchor="middle">${t.toFixed(xAxis.decimals)}</text>`
    );
  });
  const yTicks = yAxis.ticks.map((t) => {
    const y = fixed(py(t));
    return (
      `<line x1="${area.left - 5}" y1="${y}" x2="${area.left}" y2="${y}" stroke="black"/>` +
      `<text class="tick" x="${area.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${t.toFixed(yAxis.decimals)}</text>`
    );
  });
  const coordinates = points.map(([x, y]) => `${fixed(px(x))},${fixed(py(y))}`);
  const markers = points.map(
    ([x, y]) => `<circle class="marker" cx="${fixed(px(x))}" cy="${fixed(py(y))}" r="3"/>`,
  );
  const middleX = (area.left + area.right) / 2;
  const middleY = (area.top + area.bottom) / 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text class="title" x="${middleX}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
    `<g class="x-axis" stroke="black">`,
    `<line x1="${area.left}" y1="${area.bottom}" x2="${area.right}" y2="${area.bottom}"/>`,
    `</g>`,
    `<g class="x-ticks">${xTicks.join("")}</g>`,
    `<g class="y-axis" stroke="black">`,
    `<line x1="${area.left}" y1="${area.top}" x2="${area.left}" y2="${area.bottom}"/>`,
    `</g>`,
    `<g class="y-ticks">${yTicks.join("")}</g>`,
    `<text class="x-label" x="${middleX}" y="${height - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text class="y-label" x="20" y="${middleY}" text-anchor="middle" transform="rotate(-90 20 ${middleY})">${escapeXml(yLabel)}</text>`,
    `<polyline class="data" fill="none" stroke="#1f77b4" stroke-width="1.5" points="${coordinates.join(" ")}"/>`,
    `<g class="markers" fill="#1f77b4">${markers.join("")}</g>`,
    `</svg>`,
    "",
  ].join("\n");
}

export interface PlotWriterOptions {
  /** Default: the first field of the start's hints.dimensions. */
  x?: string;
  /** Default: the first hinted field of the primary descriptor that is not x. */
  y?: string;
  /** Default: the plan name and scan number. */
  title?: string;
}

/**
 * Writes an SVG plot of the primary stream at stop: the hinted detector field against the
 * scanned motor, as bluesky's best-effort callback picks them. Writes nothing when it cannot
 * tell what to plot.
 */
export class PlotWriter extends CallbackBase {
  readonly path: string;
  private readonly options: PlotWriterOptions;
  private runStart: RunStart | undefined;
  private primary: EventDescriptor | undefined;
  private x: string | undefined;
  private y: string | undefined;
  private xs: number[] = [];
  private ys: number[] = [];

  constructor(path: string, options: PlotWriterOptions = {}) {
    super();
    this.path = path;
    this.options = options;
  }

  override start(doc: RunStart): void {
    this.runStart = doc;
    this.primary = undefined;
    this.xs = [];
    this.ys = [];
  }

  override descriptor(doc: EventDescriptor): void {
    if (doc.name !== "primary" || this.primary) return;
    this.primary = doc;
    this.x = this.options.x ?? this.runStart?.hints?.dimensions?.[0]?.[0][0];
    const hinted = Object.values(doc.hints).flatMap((hint) => hint.fields);
    this.y = this.options.y ?? hinted.find((field) => field !== this.x);
  }

  override event(doc: Event): void {
    if (doc.descriptor !== this.primary?.uid || !this.x || !this.y) return;
    const x = numberInEvent(doc, this.x);
    const y = numberInEvent(doc, this.y);
    if (x === undefined || y === undefined) return;
    this.xs.push(x);
    this.ys.push(y);
  }

  override stop(_doc: RunStop): void {
    const { runStart: start, primary: descriptor, x, y } = this;
    if (!start || !descriptor || !x || !y) return;
    const label = (field: string): string => {
      const units = descriptor.data_keys[field]?.units ?? (field === "time" ? "s" : undefined);
      return units ? `${field} (${units})` : field;
    };
    // Epoch seconds make unreadable ticks: time is plotted from the run's start.
    const xs =
      x === "time" && !(x in descriptor.data_keys) ? this.xs.map((t) => t - start.time) : this.xs;
    const title =
      this.options.title ??
      `${start.plan_name ?? "(unnamed plan)"} (scan num: ${start.scan_id ?? "none"})`;
    const svg = renderLinePlot({ xs, ys: this.ys, xLabel: label(x), yLabel: label(y), title });
    writeFileSync(this.path, svg);
    this.runStart = undefined;
  }
}
