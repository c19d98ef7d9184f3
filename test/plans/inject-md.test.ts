import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/index.js";
import type { DocumentName } from "../../src/core/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { injectMdWrapper, openRun, closeRun } from "../../src/plans/index.js";

describe("injectMdWrapper", () => {
  it("adds metadata to every start document, the plan's own keys winning", async () => {
    const re = new RunEngine({ clock: new VirtualClock() });
    const starts: Array<Record<string, unknown>> = [];
    function* twoRuns() {
      yield* openRun({ purpose: "alignment" });
      yield* closeRun();
      yield* openRun();
      yield* closeRun();
    }
    await re.run(
      injectMdWrapper(twoRuns(), { queue_item_uid: "abc", purpose: "queue" }),
      (name: DocumentName, doc: object) => {
        if (name === "start") starts.push(doc as Record<string, unknown>);
      },
    );
    expect(starts.map((s) => [s.queue_item_uid, s.purpose])).toEqual([
      ["abc", "alignment"],
      ["abc", "queue"],
    ]);
  });
});
