import { describe, expect, it } from "vitest";
import type { DocumentName, EventPage, NamedDocument } from "../../src/core/index.js";
import { RunEngine, SubscriberError } from "../../src/engine/index.js";
import { beamline, collector, eventsOf, names, rawScan, stopOf } from "./fixtures.js";

describe("subscriptions", () => {
  it("filters by document name and stops delivering after unsubscribe", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const starts: string[] = [];
    const token = re.subscribe((name, _doc) => void starts.push(name), "start");
    await re.run(rawScan([det], m1, 0, 1, 3));
    re.unsubscribe(token);
    await re.run(rawScan([det], m1, 0, 1, 3));
    expect(starts).toEqual(["start"]);
  });

  it("takes per-run subscriptions as a list or by document name", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const a = collector();
    const b = collector();
    const stops: DocumentName[] = [];
    await re.run(rawScan([det], m1, 0, 1, 3), [a.callback, b.callback]);
    await re.run(rawScan([det], m1, 0, 1, 3), { stop: (name, _doc) => void stops.push(name) });
    expect(names(a.docs)).toEqual(names(b.docs));
    expect(a.docs).toHaveLength(6);
    expect(stops).toEqual(["stop"]);
  });

  it("ends the run when a lossless subscriber throws, keeping the documents made so far", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock, log: () => undefined });
    const { docs, callback } = collector();
    re.subscribe(callback);
    let events = 0;
    const failing = (name: DocumentName, _doc: unknown): void => {
      if (name === "event" && ++events === 3) throw new Error("disk full");
    };
    const error = await re.run(rawScan([det], m1, -1, 1, 21), failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriberError);
    expect((error as Error).message).toBe(
      "subscriber failing failed on a event document: disk full",
    );
    expect(eventsOf(docs)).toHaveLength(3);
    expect(stopOf(docs)).toMatchObject({ exit_status: "fail", num_events: { primary: 3 } });
  });

  it("never lets a lossy subscriber that throws or dawdles hold the run back", async () => {
    const { clock, m1, det } = beamline();
    const logged: string[] = [];
    const re = new RunEngine({ clock, log: (message) => logged.push(message) });
    const { docs, callback } = collector();
    const slow: NamedDocument[] = [];
    const slowToken = re.subscribe(
      async (...doc) => {
        await new Promise((r) => setTimeout(r, 2)); // real time: a slow plot
        slow.push(doc);
      },
      { lossy: true, queueSize: 5 },
    );
    re.subscribe(
      (name, _doc) => {
        if (name === "event") throw new Error("plot broke");
      },
      { lossy: true, label: "plotter" },
    );
    await re.run(rawScan([det], m1, -1, 1, 41), callback);
    expect(stopOf(docs)).toMatchObject({ exit_status: "success", num_events: { primary: 41 } });
    await re.lossyIdle();
    const skipped = re.skipped(slowToken);
    expect(skipped).toBeGreaterThan(0);
    expect(names(slow).filter((n) => n === "event")).toHaveLength(41 - skipped);
    expect(names(slow)).toContain("stop");
    expect(
      logged.filter((m) => m === "lossy subscriber plotter failed on a event document"),
    ).toHaveLength(41);
  });

  it("packs events into event pages for a subscriber that asks", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const { docs, callback } = collector();
    const pages: NamedDocument[] = [];
    re.subscribe((...doc) => void pages.push(doc), { eventPage: 4 });
    await re.run(rawScan([det], m1, -1, 1, 10), callback);
    expect(names(pages)).toEqual([
      "start",
      "descriptor",
      "event_page",
      "event_page",
      "event_page",
      "stop",
    ]);
    const sizes = pages
      .filter(([n]) => n === "event_page")
      .map(([, p]) => (p as EventPage).seq_num.length);
    expect(sizes).toEqual([4, 4, 2]);
    const page = pages[2]![1] as EventPage;
    expect(page.data.m1).toEqual(
      eventsOf(docs)
        .slice(0, 4)
        .map((e) => e.data.m1),
    );
  });
});
