import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { CsvWriter } from "../../src/callbacks/index.js";
import type { Event, NamedDocument } from "../../src/core/index.js";
import { gaussianRun } from "./fixtures.js";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "csv-writer-"));
});

describe("CsvWriter", () => {
  it("writes a header in data_keys order and a row per event, quoting as RFC 4180", () => {
    const path = join(folder, "run.csv");
    const writer = new CsvWriter(path);
    const { start, descriptor, stop } = gaussianRun();
    const event = (seq_num: number, data: Record<string, unknown>): Event => ({
      uid: `e${seq_num}`,
      time: 100 + seq_num,
      descriptor: descriptor.uid,
      seq_num,
      data,
      timestamps: {},
      filled: {},
    });
    const documents: NamedDocument[] = [
      ["start", start],
      [
        "descriptor",
        {
          ...descriptor,
          data_keys: {
            m1: { source: "s", dtype: "number", shape: [] },
            label: { source: "s", dtype: "string", shape: [] },
            trace: { source: "s", dtype: "array", shape: [2] },
            ok: { source: "s", dtype: "boolean", shape: [] },
          },
        },
      ],
      ["event", event(1, { m1: -0.5, label: "plain", trace: [1, 2.5], ok: true })],
      ["event", event(2, { m1: 0.25, label: "a, b", trace: new Float32Array([3, 4]) })],
      ["event", event(3, { m1: 1, label: 'say "hi"', trace: [[1], [2]] })],
      ["event", event(4, { label: "two\nlines" })],
      ["stop", stop],
    ];
    for (const document of documents) void writer.callback(...document);
    expect(readFileSync(path, "utf8")).toBe(
      [
        "seq_num,time,m1,label,trace,ok",
        '1,101,-0.5,plain,"[1,2.5]",true',
        '2,102,0.25,"a, b","[3,4]",',
        '3,103,1,"say ""hi""","[[1],[2]]",',
        '4,104,,"two\nlines",,',
        "",
      ].join("\r\n"),
    );
  });

  it("has each row in the file as soon as its event arrives, and only the chosen stream", () => {
    const path = join(folder, "baseline.csv");
    const writer = new CsvWriter(path, { stream: "baseline" });
    const { start, descriptor, events } = gaussianRun({ points: 2 });
    void writer.callback("start", start);
    void writer.callback("descriptor", descriptor);
    void writer.callback("event", events[0]!);
    void writer.callback("descriptor", { ...descriptor, uid: "b", name: "baseline" });
    expect(readFileSync(path, "utf8")).toBe("seq_num,time,m1,det\r\n");
    void writer.callback("event", { ...events[1]!, descriptor: "b", data: { m1: 1, det: 2 } });
    expect(readFileSync(path, "utf8")).toBe(`seq_num,time,m1,det\r\n2,${events[1]!.time},1,2\r\n`);
  });
});
