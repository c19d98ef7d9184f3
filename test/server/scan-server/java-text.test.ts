import { describe, expect, it } from "vitest";
import {
  javaDouble,
  parseJavaDouble,
  parseStringOrDouble,
  quoteStringOrDouble,
} from "../../../src/server/scan-server/index.ts";

describe("Java Double.toString", () => {
  it.each([
    [10, "10.0"],
    [5.5, "5.5"],
    [0.1, "0.1"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [1e-5, "1.0E-5"],
    [9999999, "9999999.0"],
    [1e7, "1.0E7"],
    [1e12, "1.0E12"],
    [1e16, "1.0E16"],
    [123456.789, "123456.789"],
    [-2.5e-7, "-2.5E-7"],
    [1.2345e21, "1.2345E21"],
    [0, "0.0"],
    [-0, "-0.0"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
  ])("%s -> %s", (value, text) => {
    expect(javaDouble(value)).toBe(text);
  });
});

describe("Java Double.valueOf", () => {
  it.each([
    ["10", 10],
    [" 1e-05 ", 1e-5],
    ["1.", 1],
    [".5", 0.5],
    ["+3", 3],
    ["2d", 2],
    ["1.5F", 1.5],
    ["NaN", NaN],
    ["-Infinity", -Infinity],
  ])("%j -> %s", (text, value) => {
    expect(parseJavaDouble(text)).toBe(value);
  });

  it.each(["", "abc", "1e", "0x10", "1,5", "inf", "True"])("%j is not a double", (text) => {
    expect(parseJavaDouble(text)).toBeUndefined();
  });
});

describe("StringOrDouble", () => {
  it("reads trimmed text: empty as 0, quoted as string, numbers as doubles, else the text", () => {
    expect(parseStringOrDouble("  ")).toBe(0);
    expect(parseStringOrDouble(' "Open" ')).toBe("Open");
    expect(parseStringOrDouble('"half')).toBe("half");
    expect(parseStringOrDouble(" 5 ")).toBe(5);
    expect(parseStringOrDouble("True")).toBe("True");
  });

  it("quotes strings and prints numbers as Java doubles", () => {
    expect(quoteStringOrDouble("a")).toBe('"a"');
    expect(quoteStringOrDouble(3)).toBe("3.0");
  });
});
