import { describe, expect, it } from "vitest";
import { LiveTable } from "../../src/callbacks/index.js";
import { packEventPage } from "../../src/core/index.js";
import type { EventDescriptor, NamedDocument } from "../../src/core/index.js";
import { gaussianRun } from "./fixtures.js";

function feed(table: LiveTable, documents: readonly NamedDocument[]): void {
  for (const document of documents) void table.callback(...document);
}

const border = "+-----------+------------+--------+--------+";
const header = "|   seq_num |       time |     m1 |    det |";

describe("LiveTable", () => {
  it("prints borders, right-aligned cells at each key's precision and repeats the header", () => {
    const lines: string[] = [];
    const table = new LiveTable(["m1", "det", "absent"], {
      out: (line) => lines.push(line),
      minWidth: 8,
      headerEvery: 2,
      defaultPrecision: 2,
      timeZone: "UTC",
    });
    feed(table, gaussianRun({ points: 3 }).documents);
    expect(lines).toEqual([
      border,
      header,
      border,
      "|         1 | 22:13:21.0 | -1.000 |   0.00 |",
      "|         2 | 22:13:21.2 |  0.000 |   0.80 |",
      border,
      header,
      border,
      "|         3 | 22:13:21.5 |  1.000 |   0.03 |",
      border,
      "generator scan ['3c6ad6cd'] (scan num: 1)",
    ]);
  });

  it("has bluesky's column widths by default", () => {
    const lines: string[] = [];
    const table = new LiveTable(["m1", "det"], { out: (line) => lines.push(line) });
    const { documents } = gaussianRun({ points: 1 });
    feed(table, documents.slice(0, 2));
    expect(lines).toEqual([
      "+-----------+------------+------------+------------+",
      "|   seq_num |       time |         m1 |        det |",
      "+-----------+------------+------------+------------+",
    ]);
  });

  it("prints the rows of an event page and ignores other streams", () => {
    const lines: string[] = [];
    const table = new LiveTable(["m1", "det"], {
      out: (line) => lines.push(line),
      minWidth: 8,
      timeZone: "UTC",
    });
    const { start, descriptor, events, stop } = gaussianRun({ points: 3 });
    const baseline: EventDescriptor = { ...descriptor, uid: "baseline", name: "baseline" };
    feed(table, [
      ["start", start],
      ["descriptor", baseline],
      ["event", { ...events[0]!, descriptor: "baseline" }],
      ["descriptor", descriptor],
      ["event_page", packEventPage(events)],
      ["stop", stop],
    ]);
    expect(lines.slice(3, 6)).toEqual([
      "|         1 | 22:13:21.0 | -1.000 |  0.000 |",
      "|         2 | 22:13:21.2 |  0.000 |  0.801 |",
      "|         3 | 22:13:21.5 |  1.000 |  0.029 |",
    ]);
    expect(lines).toHaveLength(8);
  });

  it("writes integers without decimals and strings as they are, leaving arrays out", () => {
    const lines: string[] = [];
    const table = new LiveTable(["n", "label", "trace"], {
      out: (line) => lines.push(line),
      minWidth: 7,
      timeZone: "UTC",
    });
    const { start, descriptor, stop } = gaussianRun({ points: 0 });
    feed(table, [
      ["start", { ...start, scan_id: 7, plan_name: "count" }],
      [
        "descriptor",
        {
          ...descriptor,
          data_keys: {
            n: { source: "s", dtype: "integer", shape: [] },
            label: { source: "s", dtype: "string", shape: [] },
            trace: { source: "s", dtype: "array", shape: [3] },
          },
        },
      ],
      [
        "event",
        {
          uid: "e1",
          time: 1_700_000_000.96,
          descriptor: descriptor.uid,
          seq_num: 1,
          data: { n: 42, label: "Si", trace: [1, 2, 3] },
          timestamps: {},
          filled: {},
        },
      ],
      ["stop", stop],
    ]);
    expect(lines).toEqual([
      "+-----------+------------+-------+-------+",
      "|   seq_num |       time |     n | label |",
      "+-----------+------------+-------+-------+",
      "|         1 | 22:13:20.9 |    42 |    Si |",
      "+-----------+------------+-------+-------+",
      "generator count ['3c6ad6cd'] (scan num: 7)",
    ]);
  });
});
