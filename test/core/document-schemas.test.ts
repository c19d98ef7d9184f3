import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import {
  documentSchema,
  eventDescriptorSchema,
  eventPageSchema,
  eventSchema,
  parseDocument,
  runStartSchema,
  runStopSchema,
} from "../../src/core/index.js";
import type {
  Event,
  EventDescriptor,
  EventPage,
  NamedDocument,
  RunStart,
  RunStop,
} from "../../src/core/index.js";

const start = {
  uid: "run-1",
  time: 1_700_000_000,
  scan_id: 3,
  plan_name: "scan",
  hints: { dimensions: [[["m1"], "primary"]] },
  sample: { name: "Si" },
};

const descriptor = {
  uid: "desc-1",
  time: 1_700_000_001,
  run_start: "run-1",
  name: "primary",
  data_keys: {
    m1: {
      source: "SIM:m1",
      dtype: "number",
      shape: [],
      units: "mm",
      precision: 3,
      limits: { control: { low: -10, high: 10 }, display: { low: null, high: null } },
    },
    det: { source: "SIM:det", dtype: "array", shape: [1024], dtype_numpy: "<f8" },
  },
  configuration: {
    m1: { data: { m1_velocity: 1 }, timestamps: { m1_velocity: 1 }, data_keys: {} },
  },
  object_keys: { m1: ["m1"], det: ["det"] },
  hints: { m1: { fields: ["m1"] } },
};

const event = {
  uid: "ev-1",
  time: 1_700_000_002,
  descriptor: "desc-1",
  seq_num: 1,
  data: { m1: 0.5, det: [1, 2, 3] },
  timestamps: { m1: 1_700_000_002, det: 1_700_000_002 },
  filled: {},
};

const page = {
  uid: ["ev-1", "ev-2"],
  time: [1, 2],
  descriptor: "desc-1",
  seq_num: [1, 2],
  data: { m1: [0.5, 0.6] },
  timestamps: { m1: [1, 2] },
  filled: {},
};

const stop = {
  uid: "stop-1",
  time: 1_700_000_003,
  run_start: "run-1",
  exit_status: "success",
  reason: "",
  num_events: { primary: 1 },
};

/** A copy of a document with one key changed (undefined removes it). */
function edit(
  doc: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const entries = Object.entries({ ...structuredClone(doc), ...changes });
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

describe("parseDocument", () => {
  it("accepts valid documents of each kind unchanged", () => {
    for (const [name, schema, doc] of [
      ["start", runStartSchema, start],
      ["descriptor", eventDescriptorSchema, descriptor],
      ["event", eventSchema, event],
      ["event_page", eventPageSchema, page],
      ["stop", runStopSchema, stop],
    ] as const) {
      expect(schema.parse(doc)).toEqual(doc);
      expect(parseDocument([name, doc])).toEqual([name, doc]);
      expect(documentSchema.parse([name, doc])).toEqual([name, doc]);
    }
  });

  it("fills in what event-model lets out but our types require", () => {
    const [, minimal] = parseDocument([
      "descriptor",
      { uid: "d", time: 1, run_start: "r", data_keys: {} },
    ]);
    expect(minimal).toEqual({
      uid: "d",
      time: 1,
      run_start: "r",
      name: "primary",
      data_keys: {},
      configuration: {},
      object_keys: {},
      hints: {},
    });
    expect(parseDocument(["stop", edit(stop, { reason: null, num_events: undefined })])).toEqual([
      "stop",
      { ...stop, reason: "", num_events: {} },
    ]);
    expect(parseDocument(["event", edit(event, { filled: undefined })])).toEqual(["event", event]);
    expect(parseDocument(["start", { uid: "u", time: 2, scan_id: null }])).toEqual([
      "start",
      { uid: "u", time: 2 },
    ]);
  });

  it("accepts null for a dimension of unknown length and for a missing limit", () => {
    const keys = {
      trace: { source: "s", dtype: "array", shape: [null], limits: { alarm: null } },
    };
    expect(() =>
      parseDocument(["descriptor", edit(descriptor, { data_keys: keys })]),
    ).not.toThrow();
  });

  it.each([
    ["a start without uid", ["start", edit(start, { uid: undefined })], "start.uid"],
    ["a stop without uid", ["stop", edit(stop, { uid: undefined })], "stop.uid"],
    [
      "a bad dtype",
      [
        "descriptor",
        edit(descriptor, { data_keys: { m1: { source: "s", dtype: "float", shape: [] } } }),
      ],
      "descriptor.data_keys.m1.dtype",
    ],
    [
      "a shape of non-integers",
      [
        "descriptor",
        edit(descriptor, { data_keys: { m1: { source: "s", dtype: "array", shape: [2.5] } } }),
      ],
      "descriptor.data_keys.m1.shape[0]",
    ],
    [
      "a data key without source",
      ["descriptor", edit(descriptor, { data_keys: { m1: { dtype: "number", shape: [] } } })],
      "descriptor.data_keys.m1.source",
    ],
    [
      "a limit range without high",
      [
        "descriptor",
        edit(descriptor, {
          data_keys: {
            m1: { source: "s", dtype: "number", shape: [], limits: { control: { low: 1 } } },
          },
        }),
      ],
      "descriptor.data_keys.m1.limits.control.high",
    ],
    [
      "a limit that is not a number",
      [
        "descriptor",
        edit(descriptor, {
          data_keys: {
            m1: {
              source: "s",
              dtype: "number",
              shape: [],
              limits: { display: { low: "0", high: 1 } },
            },
          },
        }),
      ],
      "descriptor.data_keys.m1.limits.display.low",
    ],
    ["seq_num 0", ["event", edit(event, { seq_num: 0 })], "event.seq_num"],
    ["a fractional seq_num", ["event", edit(event, { seq_num: 1.5 })], "event.seq_num"],
    [
      "seq_num 0 in a page",
      ["event_page", edit(page, { seq_num: [1, 0] })],
      "event_page.seq_num[1]",
    ],
    ["a short column in a page", ["event_page", edit(page, { time: [1] })], "event_page.time"],
    ["exit_status ok", ["stop", edit(stop, { exit_status: "ok" })], "stop.exit_status"],
    [
      "a start key with a dot",
      ["start", edit(start, { "sample.name": "Si" })],
      'start["sample.name"]',
    ],
    [
      "a descriptor key with a slash",
      ["descriptor", edit(descriptor, { "a/b": 1 })],
      'descriptor["a/b"]',
    ],
    ["an event with a key of its own", ["event", edit(event, { extra: 1 })], "event"],
    ["an unknown document name", ["datum", event], "document[0]"],
    ["something that is not a pair", { name: "start" }, "document"],
  ])("rejects %s, naming where", (_what, line, where) => {
    expect(() => parseDocument(line)).toThrow(`invalid ${where}`);
    expect(documentSchema.safeParse(line).success).toBe(false);
  });

  it("checks the stream assets of frames written to files (event-model 1.24)", () => {
    const resource = {
      uid: "res-1",
      run_start: "run-1",
      data_key: "cam",
      mimetype: "application/x-hdf5",
      uri: "file://localhost/data/cam.h5",
      parameters: { dataset: "/entry/data/data" },
    };
    const datum = {
      uid: "res-1/0",
      stream_resource: "res-1",
      descriptor: "desc-1",
      indices: { start: 0, stop: 10 },
      seq_nums: { start: 1, stop: 11 },
    };
    expect(parseDocument(["stream_resource", resource])).toEqual(["stream_resource", resource]);
    expect(parseDocument(["stream_datum", datum])).toEqual(["stream_datum", datum]);
    expect(() =>
      parseDocument(["stream_resource", edit(resource, { mimetype: undefined })]),
    ).toThrow("invalid stream_resource.mimetype");
    const backwards = edit(datum, { indices: { start: 5, stop: 2 } });
    expect(() => parseDocument(["stream_datum", backwards])).toThrow(
      "invalid stream_datum.indices: stop is before start",
    );
  });

  it("gives the error a stable code", () => {
    expect(() => parseDocument(["event", edit(event, { seq_num: 0 })])).toThrow(
      expect.objectContaining({ code: "HIL_INVALID_DOCUMENT" }),
    );
  });

  it("infers types that fit the document types", () => {
    expectTypeOf<z.output<typeof runStartSchema>>().toExtend<RunStart>();
    expectTypeOf<z.output<typeof eventDescriptorSchema>>().toExtend<EventDescriptor>();
    expectTypeOf<z.output<typeof eventSchema>>().toExtend<Event>();
    expectTypeOf<z.output<typeof eventPageSchema>>().toExtend<EventPage>();
    expectTypeOf<z.output<typeof runStopSchema>>().toExtend<RunStop>();
    expectTypeOf<z.output<typeof documentSchema>>().toExtend<NamedDocument>();
  });
});
