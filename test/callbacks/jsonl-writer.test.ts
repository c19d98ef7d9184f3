import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { JsonlWriter, readJsonl } from "../../src/callbacks/index.js";
import { packEventPage } from "../../src/core/index.js";
import type { NamedDocument } from "../../src/core/index.js";
import { gaussianRun } from "./fixtures.js";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "jsonl-writer-"));
});

describe("JsonlWriter", () => {
  it("writes one [name, doc] line per document, which readJsonl reads back", () => {
    const path = join(folder, "run.jsonl");
    const writer = new JsonlWriter(path);
    const { documents, events } = gaussianRun({ points: 5 });
    const written: NamedDocument[] = [
      ...documents.slice(0, -1),
      ["event_page", packEventPage(events)],
      documents.at(-1)!,
    ];
    for (const document of written) void writer.callback(...document);
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines).toHaveLength(written.length + 1);
    expect(lines.at(-1)).toBe("");
    expect(JSON.parse(lines[0]!)).toEqual(["start", documents[0]![1]]);
    expect(readJsonl(path)).toEqual(written);
  });

  it("has every document in the file as soon as it is handed over", () => {
    const path = join(folder, "live.jsonl");
    const writer = new JsonlWriter(path);
    const { documents } = gaussianRun({ points: 3 });
    for (const [i, document] of documents.slice(0, -1).entries()) {
      void writer.callback(...document);
      expect(readJsonl(path)).toEqual(documents.slice(0, i + 1));
    }
  });

  it("writes typed arrays as plain arrays", () => {
    const path = join(folder, "arrays.jsonl");
    const writer = new JsonlWriter(path);
    const { start, descriptor, events, stop } = gaussianRun({ points: 1 });
    const event = {
      ...events[0]!,
      data: { ...events[0]!.data, trace: new Float64Array([1.5, 2]) },
    };
    for (const document of [
      ["start", start],
      ["descriptor", descriptor],
      ["event", event],
      ["stop", stop],
    ] satisfies NamedDocument[]) {
      void writer.callback(...document);
    }
    expect(readFileSync(path, "utf8")).toContain('"trace":[1.5,2]');
    expect(readJsonl(path)[2]).toEqual([
      "event",
      { ...event, data: { ...event.data, trace: [1.5, 2] } },
    ]);
  });

  it("refuses documents outside a run", () => {
    const writer = new JsonlWriter(join(folder, "none.jsonl"));
    const { stop } = gaussianRun();
    expect(() => writer.callback("stop", stop)).toThrow("outside a run");
  });
});

describe("readJsonl", () => {
  it("names the file and line of a line that is not JSON", () => {
    const path = join(folder, "corrupt.jsonl");
    const lines = gaussianRun({ points: 3 }).documents.map((document) => JSON.stringify(document));
    lines[2] = lines[2]!.slice(0, 20);
    writeFileSync(path, `${lines.join("\n")}\n`);
    expect(() => readJsonl(path)).toThrow(`${path}:3: `);
  });

  it("names the file, line and field of a document that breaks the schema", () => {
    const path = join(folder, "invalid.jsonl");
    const { documents, events } = gaussianRun({ points: 3 });
    writeFileSync(
      path,
      documents
        .slice(0, 2)
        .map((d) => `${JSON.stringify(d)}\n`)
        .join(""),
    );
    appendFileSync(path, `${JSON.stringify(["event", { ...events[0], seq_num: 0 }])}\n`);
    expect(() => readJsonl(path)).toThrow(`${path}:3: invalid event.seq_num`);
  });
});
