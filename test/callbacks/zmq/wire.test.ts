import { describe, expect, it } from "vitest";
import {
  decodeZmqFrame,
  encodeZmqFrame,
  zmqJsonSerializer,
  zmqMsgpackSerializer,
  zmqSerializerNamed,
} from "../../../src/callbacks/index.js";
import type { NamedDocument, RunStart } from "../../../src/core/index.js";

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s/g, ""), "hex"));
const start = { uid: "2b0b5a4e", time: 1700000000.5, scan_id: 1 } as unknown as RunStart;

describe("bluesky's 0MQ frame", () => {
  it("is ' start ' and msgpack, 44 bytes, as Python's msgpack.packb writes it", () => {
    const frame = encodeZmqFrame(["start", start], zmqMsgpackSerializer);
    expect(Buffer.from(frame).toString("hex")).toBe(
      "2073746172742083a3756964a8326230623561346" +
        "5a474696d65cb41d954fc40200000a77363616e5f696401",
    );
    expect(frame).toHaveLength(44);
  });

  it("puts the prefix first and reads Python's JSON with its separators", () => {
    const frame = encodeZmqFrame(["start", start], zmqJsonSerializer, Buffer.from("sb"));
    expect(Buffer.from(frame).toString()).toBe(
      'sb start {"uid":"2b0b5a4e","time":1700000000.5,"scan_id":1}',
    );
    const python = Buffer.from('sb start {"uid": "2b0b5a4e", "time": 1700000000.5, "scan_id": 1}');
    expect(decodeZmqFrame(python, zmqJsonSerializer, Buffer.from("sb"))).toEqual({
      kind: "document",
      document: ["start", start],
    });
  });

  it("writes and reads Python's NaN and Infinity, leaving strings alone", () => {
    const doc = {
      uid: "u",
      time: 1,
      data: { a: NaN, b: Infinity, c: -Infinity, s: "NaN Infinity" },
    };
    const frame = encodeZmqFrame(["start", doc], zmqJsonSerializer);
    expect(Buffer.from(frame).toString()).toBe(
      ' start {"uid":"u","time":1,"data":{"a":NaN,"b":Infinity,"c":-Infinity,"s":"NaN Infinity"}}',
    );
    expect(decodeZmqFrame(frame, zmqJsonSerializer)).toEqual({
      kind: "document",
      document: ["start", doc],
    });
  });

  it("sends typed arrays as plain arrays and leaves out undefined fields", () => {
    const doc = { uid: "u", time: 1, trace: new Float64Array([1.5, 2]), gone: undefined };
    for (const serializer of [zmqMsgpackSerializer, zmqJsonSerializer]) {
      const decoded = decodeZmqFrame(encodeZmqFrame(["start", doc], serializer), serializer);
      expect(decoded).toEqual({
        kind: "document",
        document: ["start", { uid: "u", time: 1, trace: [1.5, 2] }],
      });
      expect(Object.keys((decoded as { document: NamedDocument }).document[1])).not.toContain(
        "gone",
      );
    }
  });

  it("rebuilds msgpack_numpy's arrays, keyed in bin, as plain arrays", () => {
    // {'data': {'det': np.array([1.0, 2.0])}, 'seq_num': 1} as msgpack_numpy packs it.
    const det =
      "85 c4 02 6e 64 c3 c4 04 74 79 70 65 a3 3c 66 38 c4 04 6b 69 6e 64 c4 00 c4 05 73 68 61 70 65" +
      " 91 02 c4 04 64 61 74 61 c4 10 000000000000f03f 0000000000000040";
    const payload = hex(`82 a4 64 61 74 61 81 a3 64 65 74 ${det} a7 73 65 71 5f 6e 75 6d 01`);
    const frame = Buffer.concat([Buffer.from(" event "), payload]);
    expect(decodeZmqFrame(frame, zmqMsgpackSerializer)).toEqual({
      kind: "document",
      document: ["event", { data: { det: [1, 2] }, seq_num: 1 }],
    });
  });

  it("drops frames of another prefix without a word and skips unreadable ones with a reason", () => {
    const frame = encodeZmqFrame(["start", start], zmqMsgpackSerializer, Buffer.from("a"));
    expect(decodeZmqFrame(frame, zmqMsgpackSerializer, Buffer.from("b"))).toEqual({
      kind: "other-prefix",
    });
    expect(decodeZmqFrame(frame, zmqMsgpackSerializer).kind).toBe("document");
    const reason = (bytes: string): string => {
      const decoded = decodeZmqFrame(Buffer.from(bytes), zmqJsonSerializer);
      return decoded.kind === "skipped" ? decoded.reason : decoded.kind;
    };
    expect(reason("nospaces")).toMatch(/no prefix␠name␠payload/);
    expect(reason(" start notjson")).toMatch(/a start document that is not json/);
    expect(reason(' datum {"datum_id": "x"}')).toMatch(/"datum" document, which is not one/);
    expect(reason(" start [1, 2]")).toMatch(/not a map/);
  });

  it("refuses pickle, bluesky's default, with a way out", () => {
    expect(() => zmqSerializerNamed("pickle")).toThrow(/pickle.*msgpack/);
    expect(() => zmqSerializerNamed("yaml")).toThrow(/expected "msgpack" or "json"/);
  });
});
