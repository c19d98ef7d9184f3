// The stream reader assembles a message that spans chunks in a buffer of its own; the DBR
// decoder swaps a large array there in place instead of copying it a second time.
import { describe, expect, it } from "vitest";
import { CaStreamReader, DBR, encode, type CaMessage } from "../../../src/ca/index.js";

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
  return chunks;
}

function readAll(chunks: Uint8Array[]): CaMessage[] {
  const reader = new CaStreamReader({ sender: "server" });
  return chunks.flatMap((chunk) => reader.push(chunk));
}

describe("decoding large arrays across chunks", () => {
  for (const [name, type, make] of [
    ["DOUBLE", DBR.TIME_DOUBLE, (n: number) => Float64Array.from({ length: n }, (_, i) => i / 3)],
    ["FLOAT", DBR.CTRL_FLOAT, (n: number) => Float32Array.from({ length: n }, (_, i) => i / 4)],
    ["LONG", DBR.TIME_LONG, (n: number) => Int32Array.from({ length: n }, (_, i) => i - 7)],
    ["SHORT", DBR.TIME_SHORT, (n: number) => Int16Array.from({ length: n }, (_, i) => i % 999)],
    ["CHAR", DBR.TIME_CHAR, (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 256)],
  ] as const) {
    it(`gives the same ${name} values as a one-chunk decode, as a plain typed array`, () => {
      const value = make(100_000);
      const bytes = encode({
        type: "ReadNotifyResponse",
        dataType: type,
        dataCount: value.length,
        ecaStatus: 1,
        ioid: 9,
        data: { value, units: "mm", status: 3, severity: 1 },
      });
      const [whole] = readAll([bytes]);
      const [split] = readAll(chunked(bytes, 65_536));
      expect(split).toEqual(whole);
      const data = (split as Extract<CaMessage, { type: "ReadNotifyResponse" }>).data!;
      expect(data.value.constructor).toBe(value.constructor);
      expect(data.value).toEqual(value);
      expect(data.severity).toBe(1);
    });
  }

  it("leaves the chunks it was given untouched", () => {
    const value = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const bytes = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.DOUBLE,
      dataCount: value.length,
      ecaStatus: 1,
      ioid: 1,
      data: { value },
    });
    const chunks = chunked(bytes, 4096);
    const copies = chunks.map((c) => c.slice());
    readAll(chunks);
    expect(chunks).toEqual(copies);
  });
});
