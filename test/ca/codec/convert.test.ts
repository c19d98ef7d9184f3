import { describe, expect, it } from "vitest";
import {
  CaConversionError,
  DBR,
  LocalProtocolError,
  castNumber,
  convertValue,
  decodeDbr,
  encodeDbr,
  formatDouble,
  formatFloat,
  toDbrValue,
  type ConversionContext,
  type DbrValueType,
} from "../../../src/ca/index.js";

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;

/** The failure reason of converting `text` to `to`, or the value. */
function parse(text: string, to: DbrValueType, context: ConversionContext = {}): number | string {
  try {
    return (convertValue([text], to, context) as ArrayLike<number>)[0]!;
  } catch (error) {
    if (error instanceof CaConversionError) return error.reason;
    throw error;
  }
}

describe("a DOUBLE read as a string (cvtDoubleToString with PREC)", () => {
  it.each([
    [3.14159, 2, "3.14"],
    [1.5, 0, "2"],
    [0.125, 2, "0.13"], // cvtFast rounds half up on a truncated digit (printf would give 0.12)
    [-0.001, 2, "-0.00"],
    [9.9999, 2, "10.00"],
    [1e7, 1, "10000000.0"],
    [12345678.9, 2, "12345678.90"], // beyond 1e7: "%.*f", at most 3 digits
    [12345678.98765, 6, "12345678.988"],
    [1e20, 2, " 1.00e+20"], // beyond 1e16: "%*.*e", width precision + 7
    [123.456, 10, " 1.2345600000e+02"], // precision over 8: exponential too
    [NaN, 2, "nan"],
    [Infinity, 2, "      inf"],
    [-Infinity, 2, "     -inf"],
    [1, -1, " 1.00000000000000000e+00"], // a negative PREC is a huge epicsUInt16
  ])("%d with precision %d is %j", (x, precision, text) => {
    expect(formatDouble(x, precision)).toBe(text);
  });

  it("uses the context's precision, and the shortest exact text without one", () => {
    expect(convertValue(Float64Array.of(2.5, 1 / 3), DBR.STRING, { precision: 3 })).toEqual([
      "2.500",
      "0.333",
    ]);
    expect(convertValue(Float64Array.of(0.1, 1e21), DBR.STRING)).toEqual(["0.1", "1e+21"]);
  });
});

describe("a FLOAT read as a string (cvtFloatToString, float arithmetic)", () => {
  it("formats like an IOC", () => {
    expect(formatFloat(Math.fround(0.1), 3)).toBe("0.100");
    expect(formatFloat(Math.fround(2e7), 1)).toBe("20000000.0");
    expect(formatFloat(Math.fround(1e8), 2)).toBe("1.00e+08");
    expect(convertValue(Float32Array.of(0.1, 2.5), DBR.STRING)).toEqual(["0.1", "2.5"]);
  });
});

describe("enums and strings", () => {
  const enumStrings = ["Off", "On", "Fault"];

  it("an ENUM read as a string gives its state string (the index when it has none)", () => {
    expect(convertValue(Uint16Array.of(1, 2, 7), DBR.STRING, { enumStrings })).toEqual([
      "On",
      "Fault",
      "7",
    ]);
    expect(convertValue(Uint16Array.of(1), DBR.STRING)).toEqual(["1"]);
  });

  it("a string written to an ENUM matches a state, else parses an index below the number of states", () => {
    expect(parse("Fault", DBR.ENUM, { enumStrings })).toBe(2);
    expect(parse("1", DBR.ENUM, { enumStrings })).toBe(1);
    expect(parse(" 2 trailing", DBR.ENUM, { enumStrings })).toBe(2);
    expect(parse("3", DBR.ENUM, { enumStrings })).toBe("bad_choice");
    expect(parse("on", DBR.ENUM, { enumStrings })).toBe("bad_choice");
    expect(parse("-1", DBR.ENUM, { enumStrings })).toBe("bad_choice");
    expect(parse("40000", DBR.ENUM)).toBe(40000);
  });

  it("the typed error names the input and the target", () => {
    expect(() => convertValue(["Maybe"], DBR.ENUM, { enumStrings })).toThrow(
      '"Maybe" is not one of the states of the enum',
    );
    expect(() => convertValue(["abc"], DBR.DOUBLE)).toThrow(CaConversionError);
  });
});

describe("strings written to numbers (epicsParse* on a prefix)", () => {
  it("parses decimal, exponent, hex, inf and nan after white space, ignoring trailing text", () => {
    expect(parse(" 3.5e2 mm", DBR.DOUBLE)).toBe(350);
    expect(parse("\t-.5", DBR.DOUBLE)).toBe(-0.5);
    expect(parse("0x1A", DBR.DOUBLE)).toBe(26);
    expect(parse("0x1.8p1", DBR.DOUBLE)).toBe(3);
    expect(parse("-Infinity", DBR.DOUBLE)).toBe(-Infinity);
    expect(parse("nan(0x1)", DBR.DOUBLE)).toBeNaN();
    expect(parse("12.7", DBR.SHORT)).toBe(12);
    expect(parse("-5", DBR.LONG)).toBe(-5);
    expect(parse("1e3", DBR.LONG)).toBe(1);
  });

  it("fails on no number, and on numbers out of the target's range", () => {
    expect(parse("abc", DBR.DOUBLE)).toBe("unparsable");
    expect(parse("", DBR.LONG)).toBe("unparsable");
    expect(parse(".", DBR.FLOAT)).toBe("unparsable");
    expect(parse("1e999", DBR.DOUBLE)).toBe("overflow");
    expect(parse("1e-400", DBR.DOUBLE)).toBe("underflow");
    expect(parse("40000", DBR.SHORT)).toBe("overflow");
    expect(parse("-32769", DBR.SHORT)).toBe("overflow");
    expect(parse("2147483648", DBR.LONG)).toBe("overflow");
    expect(parse("99999999999999999999", DBR.LONG)).toBe("overflow");
    expect(parse("1e39", DBR.FLOAT)).toBe("overflow");
    expect(parse("3.4028234663852886e38", DBR.FLOAT)).toBe("overflow");
    expect(parse("1e-39", DBR.FLOAT)).toBe("underflow");
  });

  it("wraps negative input to CHAR like strtoul, within ±255", () => {
    expect(parse("-1", DBR.CHAR)).toBe(255);
    expect(parse("255", DBR.CHAR)).toBe(255);
    expect(parse("256", DBR.CHAR)).toBe("overflow");
    expect(parse("-256", DBR.CHAR)).toBe("overflow");
  });

  it("reads an empty string as 0 only when asked (reading a string channel as a number)", () => {
    expect(parse("", DBR.DOUBLE, { emptyStringAsZero: true })).toBe(0);
    expect(parse("", DBR.DOUBLE)).toBe("unparsable");
  });
});

describe("numeric narrowing (a C cast on x86-64)", () => {
  it("truncates toward zero and wraps integers modulo 2^n", () => {
    expect(convertValue(Float64Array.of(1.9, -1.9, 70000, 1e10, NaN), DBR.SHORT)).toEqual(
      Int16Array.of(1, -1, 4464, 0, 0),
    );
    expect(convertValue(Float64Array.of(3e9, -3e9, NaN, 2.5), DBR.LONG)).toEqual(
      Int32Array.of(-2147483648, -2147483648, -2147483648, 2),
    );
    expect(convertValue(Float64Array.of(300, -1, 255.9), DBR.CHAR)).toEqual(
      Uint8Array.of(44, 255, 255),
    );
    expect(convertValue(Int32Array.of(-1, 65536, 70000), DBR.ENUM)).toEqual(
      Uint16Array.of(65535, 0, 4464),
    );
    expect(convertValue(Uint16Array.of(65535), DBR.SHORT)).toEqual(Int16Array.of(-1));
    expect(convertValue(Int16Array.of(-2), DBR.DOUBLE)).toEqual(Float64Array.of(-2));
  });

  it("clamps DOUBLE to FLOAT as epicsConvertDoubleToFloat, keeping infinities and NaN", () => {
    expect(
      convertValue(Float64Array.of(1e300, -1e300, 1e-300, -1e-300, Infinity, 0.1), DBR.FLOAT),
    ).toEqual(Float32Array.of(FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN, Infinity, 0.1));
    expect(castNumber(NaN, DBR.FLOAT)).toBeNaN();
  });

  it("turns numbers into strings in decimal", () => {
    expect(convertValue(Int32Array.of(-5, 70000), DBR.STRING)).toEqual(["-5", "70000"]);
    expect(convertValue(Uint8Array.of(200), DBR.STRING)).toEqual(["200"]);
  });

  it("returns the same array when no conversion is needed", () => {
    const value = Float64Array.of(1, 2);
    expect(convertValue(value, DBR.DOUBLE)).toBe(value);
  });
});

describe("loose input", () => {
  it("takes numbers as DOUBLE, strings as STRING, typed arrays as their own type", () => {
    expect(toDbrValue(2.7, DBR.LONG)).toEqual(Int32Array.of(2));
    expect(toDbrValue("12", DBR.SHORT)).toEqual(Int16Array.of(12));
    expect(toDbrValue([1, 2], DBR.STRING, { precision: 1 })).toEqual(["1.0", "2.0"]);
    expect(toDbrValue(Int8Array.of(-3), DBR.CHAR)).toEqual(Uint8Array.of(253));
    expect(toDbrValue([], DBR.DOUBLE)).toEqual(new Float64Array(0));
    expect(() => toDbrValue([1, "2"] as unknown as number[], DBR.DOUBLE)).toThrow(
      LocalProtocolError,
    );
  });

  it("lets a server answer any requested type from its native value", () => {
    const native = { value: Float64Array.of(1.23456), precision: 3, status: 0, severity: 0 };
    const asTimeString = decodeDbr(DBR.TIME_STRING, 1, encodeDbr(DBR.TIME_STRING, native));
    expect(asTimeString.value).toEqual(["1.235"]);
    const asCtrlLong = decodeDbr(
      DBR.CTRL_LONG,
      1,
      encodeDbr(DBR.CTRL_LONG, { ...native, upperControlLimit: 9.9 }),
    );
    expect(asCtrlLong).toMatchObject({ value: Int32Array.of(1), upperControlLimit: 9 });
  });
});
