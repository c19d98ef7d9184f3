import { describe, expect, it } from "vitest";
import { CallbackBase } from "../../src/callbacks/index.js";
import { packEventPage } from "../../src/core/index.js";
import type { Event, EventDescriptor, RunStart, RunStop } from "../../src/core/index.js";
import { gaussianRun } from "./fixtures.js";

class Recorder extends CallbackBase {
  readonly seen: string[] = [];
  override start(doc: RunStart): void {
    this.seen.push(`start ${doc.uid}`);
  }
  override descriptor(doc: EventDescriptor): void {
    this.seen.push(`descriptor ${doc.name}`);
  }
  override event(doc: Event): void {
    this.seen.push(`event ${doc.seq_num}`);
  }
  override stop(doc: RunStop): void {
    this.seen.push(`stop ${doc.exit_status}`);
  }
}

describe("CallbackBase", () => {
  it("hands each document to the method of its name, through a bound callback", () => {
    const recorder = new Recorder();
    const { callback } = recorder;
    const { start, descriptor, events, stop } = gaussianRun({ uid: "r", points: 2 });
    void callback("start", start);
    void callback("descriptor", descriptor);
    void callback("event", events[0]!);
    void recorder.call("event", events[1]!);
    void callback("stop", stop);
    expect(recorder.seen).toEqual([
      "start r",
      "descriptor primary",
      "event 1",
      "event 2",
      "stop success",
    ]);
  });

  it("does nothing for documents it does not override", () => {
    const { documents } = gaussianRun({ points: 2 });
    const base = new CallbackBase();
    for (const document of documents) expect(base.call(...document)).toBeUndefined();
  });

  it("unpacks an event page into events, synchronously", () => {
    const recorder = new Recorder();
    const { events } = gaussianRun({ points: 3 });
    expect(recorder.callback("event_page", packEventPage(events))).toBeUndefined();
    expect(recorder.seen).toEqual(["event 1", "event 2", "event 3"]);
  });

  it("waits for each asynchronous event before the next of a page", async () => {
    const log: string[] = [];
    class Slow extends CallbackBase {
      override async event(doc: Event): Promise<void> {
        log.push(`begin ${doc.seq_num}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        log.push(`end ${doc.seq_num}`);
      }
    }
    const { events } = gaussianRun({ points: 3 });
    const result = new Slow().callback("event_page", packEventPage(events));
    expect(result).toBeInstanceOf(Promise);
    await result;
    expect(log).toEqual(["begin 1", "end 1", "begin 2", "end 2", "begin 3", "end 3"]);
  });
});
