import { describe, expect, it } from "vitest";
import { RunRouter } from "../../src/callbacks/index.js";
import type { RunFactory } from "../../src/callbacks/index.js";
import { packEventPage } from "../../src/core/index.js";
import type { DocumentCallback, NamedDocument } from "../../src/core/index.js";
import { gaussianRun } from "./fixtures.js";

/** A document as "name:uid" (a page by its first uid). */
function label([name, doc]: NamedDocument): string {
  return `${name}:${Array.isArray(doc.uid) ? doc.uid[0] : doc.uid}`;
}

/** A callback that keeps the labels of what it saw. */
function recorder(): { seen: string[]; callback: DocumentCallback } {
  const seen: string[] = [];
  const callback: DocumentCallback = (...document) => void seen.push(label(document));
  return { seen, callback };
}

/** Documents of two runs taken in turn, as a merged stream from two engines would be. */
function interleave(a: NamedDocument[], b: NamedDocument[]): NamedDocument[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => [a[i], b[i]])
    .flat()
    .filter((document): document is NamedDocument => document !== undefined);
}

describe("RunRouter", () => {
  it("routes two interleaved runs to callbacks made for each", () => {
    const runA = gaussianRun({ uid: "A", points: 2 });
    const runB = gaussianRun({ uid: "B", points: 3 });
    const made = new Map<string, { run: string[]; stream: string[] }>();
    const factory: RunFactory = (_name, start) => {
      const run = recorder();
      const stream = recorder();
      made.set(start.uid, { run: run.seen, stream: stream.seen });
      return {
        callbacks: [run.callback],
        descriptorFactories: [
          (_n, descriptor) => (descriptor.name === "primary" ? [stream.callback] : []),
        ],
      };
    };
    const router = new RunRouter([factory]);
    const b = runB.documents;
    const bWithPage: NamedDocument[] = [
      ...b.slice(0, 2),
      ["event_page", packEventPage(runB.events)],
      b.at(-1)!,
    ];
    for (const document of interleave(runA.documents, bWithPage)) void router.callback(...document);

    expect(made.get("A")).toEqual({
      run: runA.documents.map(label),
      stream: runA.documents.map(label),
    });
    expect(made.get("B")!.run).toEqual([
      "start:B",
      "descriptor:B-primary",
      "event_page:B-event-1",
      "stop:B-stop",
    ]);
    expect(made.get("B")!.stream).toEqual(made.get("B")!.run);
  });

  it("gives a stream's callbacks the start first, and the other streams' documents not at all", () => {
    const run = gaussianRun({ uid: "R", points: 1 });
    const streams = new Map<string, string[]>();
    const router = new RunRouter([
      () => ({
        callbacks: [],
        descriptorFactories: [
          (_n, descriptor) => {
            const stream = recorder();
            streams.set(descriptor.name, stream.seen);
            return [stream.callback];
          },
        ],
      }),
    ]);
    const baseline = { ...run.descriptor, uid: "R-baseline", name: "baseline" };
    const documents: NamedDocument[] = [
      ["start", run.start],
      ["descriptor", baseline],
      ["event", { ...run.events[0]!, uid: "base-1", descriptor: baseline.uid }],
      ["descriptor", run.descriptor],
      ["event", run.events[0]!],
      ["stop", run.stop],
    ];
    for (const document of documents) void router.callback(...document);
    expect(streams.get("baseline")).toEqual([
      "start:R",
      "descriptor:R-baseline",
      "event:base-1",
      "stop:R-stop",
    ]);
    expect(streams.get("primary")).toEqual([
      "start:R",
      "descriptor:R-primary",
      "event:R-event-1",
      "stop:R-stop",
    ]);
  });

  it("forgets a run after its stop and ignores documents of runs it never saw start", () => {
    const run = gaussianRun({ uid: "F", points: 2 });
    const { seen, callback } = recorder();
    let factoryCalls = 0;
    const router = new RunRouter([
      () => {
        factoryCalls += 1;
        return { callbacks: [callback] };
      },
    ]);
    for (const document of run.documents) void router.callback(...document);
    void router.callback("event", { ...run.events[0]!, uid: "late" });
    void router.callback("stop", run.stop);
    const stranger = gaussianRun({ uid: "S", points: 1 });
    for (const document of stranger.documents.slice(1)) void router.callback(...document);
    expect(seen).toEqual(run.documents.map(label));
    expect(factoryCalls).toBe(1);
  });

  it("returns a promise when a callback does, and waits for it", async () => {
    const run = gaussianRun({ uid: "P", points: 1 });
    let finished = false;
    const router = new RunRouter([
      () => ({
        callbacks: [
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            finished = true;
          },
        ],
      }),
    ]);
    const result = router.callback("start", run.start);
    expect(result).toBeInstanceOf(Promise);
    await result;
    expect(finished).toBe(true);
  });
});
