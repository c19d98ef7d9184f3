import { describe, expect, it } from "vitest";
import {
  EXTENDED_HEADER_SIZE,
  HEADER_SIZE,
  LocalProtocolError,
  needsExtendedHeader,
  padTo8,
  readHeader,
  writeHeader,
  type CaHeader,
} from "../../../src/ca/index.js";
import { hex, toHex } from "./bytes.js";

const header = (fields: Partial<CaHeader>): CaHeader => ({
  command: 0,
  payloadSize: 0,
  dataType: 0,
  dataCount: 0,
  parameter1: 0,
  parameter2: 0,
  ...fields,
});

describe("the CA header", () => {
  it("writes the 16-byte form big-endian, field by field", () => {
    const out = new Uint8Array(16);
    const size = writeHeader(
      out,
      0,
      header({
        command: 15,
        payloadSize: 8,
        dataType: 20,
        dataCount: 1,
        parameter1: 0x01020304,
        parameter2: 0xa0b0c0d0,
      }),
    );
    expect(size).toBe(HEADER_SIZE);
    expect(toHex(out)).toBe(toHex(hex("000f 0008 0014 0001 01020304 a0b0c0d0")));
  });

  it("switches to the 24-byte form when the padded payload or the count reaches 0xFFFF (RSRV's rule)", () => {
    expect(needsExtendedHeader(0xfff8, 1)).toBe(false);
    expect(needsExtendedHeader(0x10000, 1)).toBe(true);
    expect(needsExtendedHeader(0, 0xfffe)).toBe(false);
    expect(needsExtendedHeader(0, 0xffff)).toBe(true);
    const out = new Uint8Array(24);
    const size = writeHeader(
      out,
      0,
      header({
        command: 1,
        payloadSize: 800_016,
        dataType: 20,
        dataCount: 100_000,
        parameter1: 1,
        parameter2: 7,
      }),
    );
    expect(size).toBe(EXTENDED_HEADER_SIZE);
    expect(toHex(out)).toBe(toHex(hex("0001 ffff 0014 0000 00000001 00000007 000c3510 000186a0")));
  });

  it("reads both forms, the extended one on any command, and waits for missing bytes", () => {
    const standard = hex("0017 0000 0000 0000 00000000 00000000");
    expect(readHeader(standard)).toEqual({ header: header({ command: 23 }), size: 16 });
    const extended = hex("0012 ffff 0006 0000 00000001 00000002 00000000 00030d40");
    expect(readHeader(extended)).toEqual({
      header: header({
        command: 18,
        dataType: 6,
        dataCount: 200_000,
        parameter1: 1,
        parameter2: 2,
      }),
      size: 24,
    });
    expect(readHeader(standard.subarray(0, 15))).toBeUndefined();
    expect(readHeader(extended.subarray(0, 20))).toBeUndefined();
    // 0xFFFF with a non-zero count is a plain (odd) payload size, not the extended form.
    expect(readHeader(hex("0001 ffff 0006 0001 00000000 00000000"))?.header.payloadSize).toBe(
      0xffff,
    );
  });

  it("reads at an offset within a larger buffer", () => {
    const bytes = hex("dead beef 0017 0000 0000 0000 00000000 00000009");
    expect(readHeader(bytes, 4)?.header.parameter2).toBe(9);
  });

  it("pads payloads to 8 bytes", () => {
    expect([0, 1, 7, 8, 9, 40, 422].map(padTo8)).toEqual([0, 8, 8, 8, 16, 40, 424]);
  });

  it("refuses fields that do not fit", () => {
    const out = new Uint8Array(24);
    expect(() => writeHeader(out, 0, header({ dataType: 0x10000 }))).toThrow(LocalProtocolError);
    expect(() => writeHeader(out, 0, header({ parameter1: -1 }))).toThrow(LocalProtocolError);
    expect(() => writeHeader(out, 0, header({ parameter2: 1.5 }))).toThrow(/parameter2/);
  });
});
