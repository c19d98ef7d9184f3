// The register codecs against byte vectors: the bytes as they travel in a Modbus reply
// (each register high byte first), worked out by hand from IEEE-754 and two's complement.
import { describe, expect, it } from "vitest";
import type { RegisterCodecOptions } from "../../../src/transports/index.js";
import {
  bytesToRegisters,
  decodeRegisters,
  decodesToInteger,
  encodeRegisters,
  registerCount,
  registersToBytes,
} from "../../../src/transports/index.js";

const decodeBytes = (bytes: number[], options: RegisterCodecOptions): number =>
  decodeRegisters(bytesToRegisters(bytes), options);
const encodeBytes = (value: number, options: RegisterCodecOptions): number[] => [
  ...registersToBytes(encodeRegisters(value, options)),
];

/** [value, options, bytes on the wire] */
const vectors: Array<[number, RegisterCodecOptions, number[]]> = [
  [0, { type: "int16" }, [0x00, 0x00]],
  [1, { type: "int16" }, [0x00, 0x01]],
  [-1, { type: "int16" }, [0xff, 0xff]],
  [-32768, { type: "int16" }, [0x80, 0x00]],
  [32767, { type: "int16" }, [0x7f, 0xff]],
  [65535, { type: "uint16" }, [0xff, 0xff]],
  [0x1234, { type: "uint16" }, [0x12, 0x34]],
  [0x12345678, { type: "uint32" }, [0x12, 0x34, 0x56, 0x78]],
  [0x12345678, { type: "uint32", wordOrder: "little" }, [0x56, 0x78, 0x12, 0x34]],
  [4294967295, { type: "uint32" }, [0xff, 0xff, 0xff, 0xff]],
  [-2, { type: "int32" }, [0xff, 0xff, 0xff, 0xfe]],
  [-2, { type: "int32", wordOrder: "little" }, [0xff, 0xfe, 0xff, 0xff]],
  [-2147483648, { type: "int32" }, [0x80, 0x00, 0x00, 0x00]],
  [100000, { type: "int32" }, [0x00, 0x01, 0x86, 0xa0]],
  // IEEE-754: 24.5 = 0x41C40000, 1.0 = 0x3F800000, -2.5 = 0xC0200000, π ≈ 0x40490FDB.
  [24.5, { type: "float32" }, [0x41, 0xc4, 0x00, 0x00]],
  [24.5, { type: "float32", wordOrder: "little" }, [0x00, 0x00, 0x41, 0xc4]],
  [1, { type: "float32" }, [0x3f, 0x80, 0x00, 0x00]],
  [-2.5, { type: "float32", wordOrder: "big" }, [0xc0, 0x20, 0x00, 0x00]],
  [Math.fround(Math.PI), { type: "float32" }, [0x40, 0x49, 0x0f, 0xdb]],
  [Math.fround(Math.PI), { type: "float32", wordOrder: "little" }, [0x0f, 0xdb, 0x40, 0x49]],
  // The Eurotherm's scaled integers: 24.5 °C with one decimal place is 245 = 0x00F5.
  [24.5, { type: "int16", decimalPlaces: 1 }, [0x00, 0xf5]],
  [-12.3, { type: "int16", decimalPlaces: 1 }, [0xff, 0x85]],
  [0.3, { type: "int16", decimalPlaces: 1 }, [0x00, 0x03]],
  [1.25, { type: "int16", decimalPlaces: 2 }, [0x00, 0x7d]],
  [3276.7, { type: "int16", decimalPlaces: 1 }, [0x7f, 0xff]],
  // scale and offset: value = raw × 0.5 − 40.
  [10, { type: "uint16", scale: 0.5, offset: -40 }, [0x00, 0x64]],
  [-40, { type: "uint16", scale: 0.5, offset: -40 }, [0x00, 0x00]],
  [12.5, { type: "int32", scale: 0.001 }, [0x00, 0x00, 0x30, 0xd4]],
];

describe("register codecs", () => {
  it.each(vectors)("decodes %s (%j) from its bytes", (value, options, bytes) => {
    expect(decodeBytes(bytes, options)).toBe(value);
  });

  it.each(vectors)("encodes %s (%j) to its bytes", (value, options, bytes) => {
    expect(encodeBytes(value, options)).toEqual(bytes);
  });

  it("divides by powers of ten so one decimal place reads exactly", () => {
    // 3 × 0.1 would be 0.30000000000000004.
    expect(decodeRegisters([3], { type: "int16", decimalPlaces: 1 })).toBe(0.3);
    expect(decodeRegisters([0xffff], { type: "int16", decimalPlaces: 3 })).toBe(-0.001);
  });

  it("rounds integer types to the nearest raw step", () => {
    expect(encodeRegisters(24.46, { type: "int16", decimalPlaces: 1 })).toEqual([245]);
    expect(encodeRegisters(24.44, { type: "int16", decimalPlaces: 1 })).toEqual([244]);
    expect(encodeRegisters(2.6, { type: "uint16" })).toEqual([3]);
  });

  it("refuses values outside the type's range after scaling, naming the raw value", () => {
    expect(() => encodeRegisters(3276.8, { type: "int16", decimalPlaces: 1 })).toThrow(
      /raw 32768.*int16 range \[-32768, 32767\]/,
    );
    expect(() => encodeRegisters(-1, { type: "uint16" })).toThrow(RangeError);
    expect(() => encodeRegisters(2 ** 32, { type: "uint32" })).toThrow(RangeError);
    expect(() => encodeRegisters(1e39, { type: "float32" })).toThrow(RangeError);
    expect(() => encodeRegisters(NaN, { type: "float32" })).toThrow(RangeError);
    expect(() => encodeRegisters(Infinity, { type: "int32" })).toThrow(RangeError);
  });

  it("checks the register count and the words", () => {
    expect(() => decodeRegisters([1], { type: "float32" })).toThrow(/2 register/);
    expect(() => decodeRegisters([1, 2], { type: "int16" })).toThrow(/1 register/);
    expect(() => decodeRegisters([0x10000], { type: "uint16" })).toThrow(/uint16/);
    expect(() => bytesToRegisters([1, 2, 3])).toThrow(/odd/);
  });

  it("checks its options", () => {
    expect(() => decodeRegisters([1], { type: "int16", scale: 0 })).toThrow(/scale/);
    expect(() => decodeRegisters([1], { type: "int16", scale: 2, decimalPlaces: 1 })).toThrow(
      /not both/,
    );
    expect(() => decodeRegisters([1], { type: "int16", decimalPlaces: 1.5 })).toThrow(
      /decimalPlaces/,
    );
    expect(() => decodeRegisters([1, 2], { type: "int32", wordOrder: "middle" as "big" })).toThrow(
      /wordOrder/,
    );
    expect(() => decodeRegisters([1], { type: "int8" as "int16" })).toThrow(/unknown/);
  });

  it("counts registers and tells integer encodings from fractional ones", () => {
    expect([registerCount("int16"), registerCount("uint32"), registerCount("float32")]).toEqual([
      1, 2, 2,
    ]);
    expect(decodesToInteger({ type: "int16" })).toBe(true);
    expect(decodesToInteger({ type: "int32", offset: 3 })).toBe(true);
    expect(decodesToInteger({ type: "int16", decimalPlaces: 1 })).toBe(false);
    expect(decodesToInteger({ type: "uint16", scale: 0.5 })).toBe(false);
    expect(decodesToInteger({ type: "float32" })).toBe(false);
  });
});
