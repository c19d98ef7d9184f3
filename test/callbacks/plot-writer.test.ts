import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { PlotWriter, renderLinePlot } from "../../src/callbacks/index.js";
import { gaussian, gaussianRun } from "./fixtures.js";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "plot-writer-"));
});

/** Checks that tags nest and close, attributes are quoted and text has no bare < or &. */
function checkXml(svg: string): void {
  const open: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    if (svg[i] === "<") {
      tag.lastIndex = i;
      const match = tag.exec(svg);
      if (!match) throw new Error(`malformed tag at ${i}: ${svg.slice(i, i + 40)}`);
      const [whole, closing, name, , selfClosing] = match;
      if (closing) {
        const top = open.pop();
        if (top !== name) throw new Error(`</${name}> closes <${top}>`);
      } else if (!selfClosing) {
        open.push(name!);
      }
      i += whole.length;
    } else {
      const end = svg.indexOf("<", i);
      const text = svg.slice(i, end === -1 ? undefined : end);
      if (/&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/.test(text)) throw new Error(`bare & in ${text}`);
      i = end === -1 ? svg.length : end;
    }
  }
  expect(open).toEqual([]);
  expect(svg.trimStart().startsWith("<svg")).toBe(true);
}

/** The tick labels of one axis, as numbers. */
function ticks(svg: string, axis: "x" | "y"): number[] {
  const group = new RegExp(`<g class="${axis}-ticks"[^>]*>(.*?)</g>`).exec(svg)![1]!;
  return [...group.matchAll(/<text class="tick"[^>]*>([^<]*)<\/text>/g)].map((m) => Number(m[1]));
}

/** Ticks are evenly 1, 2 or 5 × 10^k apart and span the data. */
function expectNice(values: number[], data: number[]): void {
  expect(values.length).toBeGreaterThanOrEqual(3);
  expect(values.length).toBeLessThanOrEqual(11);
  const step = values[1]! - values[0]!;
  for (let i = 1; i < values.length; i++) {
    expect(values[i]! - values[i - 1]!).toBeCloseTo(step, 9);
  }
  const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
  expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)).toBe(true);
  for (const value of values)
    expect(Math.abs(value / step - Math.round(value / step))).toBeLessThan(1e-9);
  expect(values[0]).toBeLessThanOrEqual(Math.min(...data));
  expect(values.at(-1)).toBeGreaterThanOrEqual(Math.max(...data));
}

const xs = Array.from({ length: 21 }, (_, i) => Number((-1 + i / 10).toFixed(10)));
const ys = xs.map((x) => 1000 * gaussian(x) + 37);

describe("renderLinePlot", () => {
  const svg = renderLinePlot({ xs, ys, xLabel: "m1 (mm)", yLabel: "det (counts)", title: "scan" });

  it("writes well-formed SVG with a marker per point and one polyline through them", () => {
    checkXml(svg);
    expect(svg.match(/<circle class="marker"/g)).toHaveLength(21);
    const points = /<polyline class="data"[^>]* points="([^"]*)"/.exec(svg)![1]!.split(" ");
    expect(points).toHaveLength(21);
    expect(svg).toContain(">m1 (mm)</text>");
    expect(svg).toContain(">det (counts)</text>");
  });

  it("puts ticks at nice numbers that span the data", () => {
    expectNice(ticks(svg, "x"), xs);
    expectNice(ticks(svg, "y"), ys);
    expect(ticks(svg, "x")).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(ticks(svg, "y")).toEqual([0, 200, 400, 600, 800, 1000, 1200]);
  });

  it("draws the highest point highest", () => {
    const cy = [...svg.matchAll(/<circle class="marker" cx="[^"]*" cy="([^"]*)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(cy.indexOf(Math.min(...cy))).toBe(12);
  });

  it("escapes text, drops points that are not finite and copes with no spread", () => {
    const odd = renderLinePlot({
      xs: [1, 2, 3],
      ys: [5, Number.NaN, 5],
      xLabel: "a<b",
      yLabel: "c&d",
      title: '"t"',
    });
    checkXml(odd);
    expect(odd).toContain("a&#60;b");
    expect(odd.match(/<circle class="marker"/g)).toHaveLength(2);
    expectNice(ticks(odd, "y"), [5]);
    checkXml(renderLinePlot({ xs: [], ys: [], xLabel: "x", yLabel: "y", title: "empty" }));
  });
});

describe("PlotWriter", () => {
  it("plots the hinted detector against the scanned motor at stop", () => {
    const path = join(folder, "scan.svg");
    const writer = new PlotWriter(path);
    const { documents } = gaussianRun();
    for (const document of documents.slice(0, -1)) void writer.callback(...document);
    expect(existsSync(path)).toBe(false);
    void writer.callback(...documents.at(-1)!);
    const svg = readFileSync(path, "utf8");
    checkXml(svg);
    expect(svg).toContain(">scan (scan num: 1)</text>");
    expect(svg).toContain(">m1 (mm)</text>");
    expect(svg).toContain(">det (counts)</text>");
    expect(svg.match(/<circle class="marker"/g)).toHaveLength(21);
  });

  it("takes x, y and title from its options, and plots time from the run's start", () => {
    const path = join(folder, "time.svg");
    const writer = new PlotWriter(path, { x: "time", y: "m1", title: "m1 over time" });
    for (const document of gaussianRun({ points: 5 }).documents) void writer.callback(...document);
    const svg = readFileSync(path, "utf8");
    expect(svg).toContain(">m1 over time</text>");
    expect(svg).toContain(">time (s)</text>");
    expect(ticks(svg, "x")).toEqual([1, 1.2, 1.4, 1.6, 1.8, 2]);
  });
});
