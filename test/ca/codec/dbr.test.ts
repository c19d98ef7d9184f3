import { describe, expect, it } from "vitest";
import {
  CaAlarmSeverity,
  CaAlarmStatus,
  DBR,
  ECA,
  EPICS_EPOCH_UNIX_SECONDS,
  LocalProtocolError,
  RemoteProtocolError,
  dbrLayout,
  dbrTypeName,
  dbrTypeOf,
  decodeDbr,
  encodeDbr,
  epicsTimestampFromUnix,
  epicsTimestampToUnix,
  padTo8,
  type DbrData,
  type DbrType,
  type DbrValue,
} from "../../../src/ca/index.js";
import { ascii, concat, firstDifference, hex, toHex } from "./bytes.js";

/** The fact sheet's table (§1.5): value offset of each DBR type, checked against libca. */
const VALUE_OFFSET: Record<number, number> = {
  0: 0,
  1: 0,
  2: 0,
  3: 0,
  4: 0,
  5: 0,
  6: 0,
  7: 4,
  8: 4,
  9: 4,
  10: 4,
  11: 5,
  12: 4,
  13: 8,
  14: 12,
  15: 14,
  16: 12,
  17: 14,
  18: 15,
  19: 12,
  20: 16,
  21: 4,
  22: 24,
  23: 40,
  24: 422,
  25: 19,
  26: 36,
  27: 64,
  28: 4,
  29: 28,
  30: 48,
  31: 422,
  32: 21,
  33: 44,
  34: 80,
  35: 0,
  36: 0,
  37: 8,
  38: 0,
};
const ELEMENT_SIZE = [40, 2, 4, 2, 1, 4, 8];

/** The metadata fields each type carries, by the fact sheet. */
function expectedFields(type: number): string[] {
  const limits = [
    "upperDisplayLimit",
    "lowerDisplayLimit",
    "upperAlarmLimit",
    "upperWarningLimit",
    "lowerWarningLimit",
    "lowerAlarmLimit",
  ];
  if (type <= 6 || type === 35 || type === 36 || type === 38) return [];
  if (type === 37) return ["status", "severity", "ackTransient", "ackSeverity"];
  const valueType = type % 7;
  const form = Math.floor(type / 7);
  const alarm = ["status", "severity"];
  if (form === 1) return alarm;
  if (form === 2) return [...alarm, "timestamp"];
  if (valueType === 0) return alarm;
  if (valueType === 3) return [...alarm, "enumStrings"];
  const control = form === 4 ? ["upperControlLimit", "lowerControlLimit"] : [];
  const precision = valueType === 2 || valueType === 6 ? ["precision"] : [];
  return [...alarm, ...precision, "units", ...limits, ...control];
}

const metadata = {
  status: CaAlarmStatus.HIGH,
  severity: CaAlarmSeverity.MINOR,
  timestamp: { secondsSinceEpoch: 1_100_000_000, nanoseconds: 999_999_999 },
  units: "mm",
  precision: 3,
  upperDisplayLimit: 100,
  lowerDisplayLimit: 1,
  upperAlarmLimit: 90,
  upperWarningLimit: 80,
  lowerWarningLimit: 20,
  lowerAlarmLimit: 10,
  upperControlLimit: 95,
  lowerControlLimit: 5,
  enumStrings: ["Idle", "Moving", "Fault"],
  ackTransient: 1,
  ackSeverity: 2,
};

/** A value of `n` elements of the type's element type, with sign and size variety. */
function sampleValue(valueType: number, n: number): DbrValue {
  const numbers = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i + 1 : -(i + 1)) * 3);
  switch (valueType) {
    case 0:
      return Array.from({ length: n }, (_, i) => `s${i}`.repeat(i % 5) + "é");
    case 1:
      return Int16Array.from(numbers, (x) => x * 1000);
    case 2:
      return Float32Array.from(numbers, (x) => x / 4);
    case 3:
      return Uint16Array.from(numbers, (x) => Math.abs(x) % 3);
    case 4:
      return Uint8Array.from(numbers, (x) => Math.abs(x) * 20);
    case 5:
      return Int32Array.from(numbers, (x) => x * 100_000_000);
    default:
      return Float64Array.from(numbers, (x) => x / 7);
  }
}

const allTypes = Array.from({ length: 39 }, (_, type) => type as DbrType);

describe("DBR layouts", () => {
  it("place the value where libca does and size the payload as dbr_size_n", () => {
    for (const type of allTypes) {
      const layout = dbrLayout(type)!;
      expect([type, layout.valueOffset]).toEqual([type, VALUE_OFFSET[type]]);
      const valueType = type === 35 || type === 36 ? 3 : type === 37 || type === 38 ? 0 : type % 7;
      expect(layout.elementSize).toBe(ELEMENT_SIZE[valueType]);
      const bytes = encodeDbr(type, { value: sampleValue(layout.valueType, 3) });
      expect([type, bytes.length]).toEqual([
        type,
        padTo8(VALUE_OFFSET[type]! + 3 * ELEMENT_SIZE[valueType]!),
      ]);
    }
  });

  it("name the types and build them from form and value type", () => {
    expect(dbrTypeName(DBR.CTRL_ENUM)).toBe("DBR_CTRL_ENUM");
    expect(dbrTypeName(DBR.GR_INT)).toBe("DBR_GR_SHORT");
    expect(dbrTypeName(38)).toBe("DBR_CLASS_NAME");
    expect(dbrTypeName(39)).toBe("DBR type 39");
    expect(dbrTypeOf("time", DBR.DOUBLE)).toBe(DBR.TIME_DOUBLE);
    expect(dbrTypeOf("ctrl", DBR.CHAR)).toBe(DBR.CTRL_CHAR);
  });
});

describe("DBR byte vectors", () => {
  it("DBR_TIME_DOUBLE: status, severity, stamp since 1990, 4 pad bytes, the value", () => {
    const stamp = { secondsSinceEpoch: 1_000_000_000, nanoseconds: 123_456_789 };
    const bytes = encodeDbr(DBR.TIME_DOUBLE, {
      value: 3.5,
      status: CaAlarmStatus.HIHI,
      severity: CaAlarmSeverity.MAJOR,
      timestamp: stamp,
    });
    expect(toHex(bytes)).toBe(toHex(hex("0003 0002 3b9aca00 075bcd15 00000000 400c000000000000")));
    const decoded = decodeDbr(DBR.TIME_DOUBLE, 1, bytes);
    expect(decoded).toEqual({
      value: Float64Array.of(3.5),
      status: 3,
      severity: 2,
      timestamp: stamp,
    });
    expect(epicsTimestampToUnix(stamp) - 1_631_152_000).toBeCloseTo(0.123456789, 6);
  });

  it("DBR_CTRL_ENUM: the number of states, 16 × 26 bytes of state strings, then the value at 422", () => {
    const bytes = encodeDbr(DBR.CTRL_ENUM, {
      value: 1,
      enumStrings: ["Off", "On"],
      status: 0,
      severity: 0,
    });
    const expected = concat(
      hex("0000 0000 0002"),
      ascii("Off", 26),
      ascii("On", 26),
      new Uint8Array(14 * 26),
      hex("0001"),
    );
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(bytes.length).toBe(424);
    expect(decodeDbr(DBR.CTRL_ENUM, 1, bytes)).toEqual({
      value: Uint16Array.of(1),
      status: 0,
      severity: 0,
      enumStrings: ["Off", "On"],
    });
  });

  it("DBR_STS_CHAR and DBR_TIME_CHAR keep their RISC pads", () => {
    expect(toHex(encodeDbr(DBR.STS_CHAR, { value: 0xab, status: 1, severity: 3 }))).toBe(
      toHex(hex("0001 0003 00 ab 0000")),
    );
    const time = encodeDbr(DBR.TIME_CHAR, {
      value: 0xab,
      timestamp: { secondsSinceEpoch: 1, nanoseconds: 2 },
    });
    expect(toHex(time)).toBe(toHex(hex("0000 0000 00000001 00000002 0000 00 ab")));
  });

  it("DBR_GR_DOUBLE: precision, pad, units[8], then six doubles in the documented order", () => {
    const bytes = encodeDbr(DBR.GR_DOUBLE, { value: 0, ...metadata });
    const view = new DataView(bytes.buffer);
    expect(view.getInt16(4)).toBe(3);
    expect(toHex(bytes.subarray(8, 16))).toBe(toHex(ascii("mm", 8)));
    expect([16, 24, 32, 40, 48, 56].map((at) => view.getFloat64(at))).toEqual([
      100, 1, 90, 80, 20, 10,
    ]);
  });

  it("a scalar DBR_STRING reply may be shorter than 40 bytes", () => {
    expect(decodeDbr(DBR.STRING, 1, ascii("hello", 8))).toEqual({ value: ["hello"] });
    expect(decodeDbr(DBR.STRING, 1, ascii("hi", 3))).toEqual({ value: ["hi"] });
    expect(decodeDbr(DBR.TIME_STRING, 1, concat(new Uint8Array(12), ascii("x", 4)))).toMatchObject({
      value: ["x"],
    });
  });

  it("truncates strings to their fields, keeping the NUL and whole characters", () => {
    const long = "x".repeat(60);
    expect(decodeDbr(DBR.STRING, 1, encodeDbr(DBR.STRING, { value: long })).value).toEqual([
      "x".repeat(39),
    ]);
    // 7 bytes fit; "µ" takes 2, so it goes whole or not at all.
    const units = decodeDbr(DBR.GR_LONG, 1, encodeDbr(DBR.GR_LONG, { value: 1, units: "abcdefµ" }));
    expect(units.units).toBe("abcdef");
    const states = Array.from({ length: 20 }, (_, i) => `state ${i} ${"-".repeat(30)}`);
    const decoded = decodeDbr(
      DBR.GR_ENUM,
      1,
      encodeDbr(DBR.GR_ENUM, { value: 0, enumStrings: states }),
    );
    expect(decoded.enumStrings).toHaveLength(16);
    expect(decoded.enumStrings?.[15]).toBe(states[15]!.slice(0, 25));
  });
});

describe("every DBR type survives encode and decode", () => {
  for (const type of allTypes) {
    for (const count of [1, 7]) {
      it(`${dbrTypeName(type)} × ${count}`, () => {
        const layout = dbrLayout(type)!;
        const value = sampleValue(layout.valueType, count);
        const bytes = encodeDbr(type, { value, ...metadata });
        const decoded: DbrData = decodeDbr(type, count, bytes);
        expect(decoded.value).toEqual(value);
        expect(Object.keys(decoded).sort()).toEqual(["value", ...expectedFields(type)].sort());
        for (const field of expectedFields(type)) {
          expect([field, decoded[field as keyof DbrData]]).toEqual([
            field,
            metadata[field as keyof typeof metadata],
          ]);
        }
      });
    }
  }

  it("count 0 still carries the metadata (and one element's room, as dbr_size_n)", () => {
    const bytes = encodeDbr(DBR.CTRL_LONG, { value: [], ...metadata });
    expect(bytes.length).toBe(48);
    expect(decodeDbr(DBR.CTRL_LONG, 0, bytes)).toMatchObject({
      value: new Int32Array(0),
      units: "mm",
      lowerControlLimit: 5,
    });
  });
});

describe("DBR arrays", () => {
  it("decode as typed-array views on a private copy, not on the payload", () => {
    const value = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const bytes = encodeDbr(DBR.TIME_DOUBLE, { value });
    const decoded = decodeDbr(DBR.TIME_DOUBLE, 1000, bytes).value as Float64Array;
    expect(decoded).toBeInstanceOf(Float64Array);
    expect(firstDifference(decoded, value)).toBe(-1);
    bytes.fill(0);
    expect(decoded[1]).toBe(Math.sin(1));
  });

  it("swap every element width correctly, also from an unaligned payload", () => {
    for (const type of [DBR.SHORT, DBR.FLOAT, DBR.ENUM, DBR.CHAR, DBR.LONG, DBR.DOUBLE] as const) {
      const value = sampleValue(type, 513);
      const bytes = encodeDbr(type, { value });
      const shifted = new Uint8Array(bytes.length + 3);
      shifted.set(bytes, 3);
      const decoded = decodeDbr(type, 513, shifted.subarray(3));
      expect(firstDifference(decoded.value as ArrayLike<number>, value as ArrayLike<number>)).toBe(
        -1,
      );
    }
    expect(toHex(encodeDbr(DBR.LONG, { value: Int32Array.of(0x01020304, -2) }))).toBe(
      "01 02 03 04 ff ff ff fe",
    );
    expect(toHex(encodeDbr(DBR.FLOAT, { value: Float32Array.of(1) }))).toBe(
      "3f 80 00 00 00 00 00 00",
    );
  });

  it("do not touch the caller's value when encoding", () => {
    const value = Int16Array.of(1, 2, 3);
    encodeDbr(DBR.SHORT, { value });
    expect(value).toEqual(Int16Array.of(1, 2, 3));
  });
});

describe("DBR errors", () => {
  it("report an unknown type and a payload too short for the count, with the ECA code to answer", () => {
    const badType = (() => {
      try {
        decodeDbr(39, 1, new Uint8Array(8));
      } catch (error) {
        return error;
      }
    })();
    expect(badType).toBeInstanceOf(RemoteProtocolError);
    expect((badType as RemoteProtocolError).ecaStatus).toBe(ECA.BADTYPE);
    expect(() => decodeDbr(DBR.DOUBLE, 2, new Uint8Array(8))).toThrow(/needs 16 payload bytes/);
    expect(() => decodeDbr(DBR.CTRL_DOUBLE, 0, new Uint8Array(40))).toThrow(RemoteProtocolError);
    expect(() => decodeDbr(DBR.DOUBLE, 0xffffffff, new Uint8Array(8))).toThrow(RemoteProtocolError);
  });

  it("refuse to encode an unknown type or a bad time stamp", () => {
    expect(() => encodeDbr(99, { value: 1 })).toThrow(LocalProtocolError);
    expect(() =>
      encodeDbr(DBR.TIME_LONG, { value: 1, timestamp: { secondsSinceEpoch: 1, nanoseconds: 1e9 } }),
    ).toThrow(/nanoseconds/);
    expect(() =>
      encodeDbr(DBR.TIME_LONG, { value: 1, timestamp: { secondsSinceEpoch: -1, nanoseconds: 0 } }),
    ).toThrow(/seconds/);
  });
});

describe("EPICS time stamps", () => {
  it("count from 1990-01-01 UTC", () => {
    expect(EPICS_EPOCH_UNIX_SECONDS).toBe(Date.UTC(1990, 0, 1) / 1000);
    expect(epicsTimestampFromUnix(EPICS_EPOCH_UNIX_SECONDS + 10.25)).toEqual({
      secondsSinceEpoch: 10,
      nanoseconds: 250_000_000,
    });
    expect(epicsTimestampFromUnix(EPICS_EPOCH_UNIX_SECONDS + 1 - 1e-10)).toEqual({
      secondsSinceEpoch: 1,
      nanoseconds: 0,
    });
  });
});
