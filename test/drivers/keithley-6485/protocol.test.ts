// The Keithley 6485 protocol as vectors: command strings out, reply lines in, no I/O.
// Reply vectors follow the fact sheet (../shared/reference/instruments.md §3).
import { describe, expect, it } from "vitest";
import { HilError } from "../../../src/core/index.js";
import {
  COMMANDS,
  Keithley6485Error,
  RANGES,
  SCPI_ERRORS,
  alarmSeverity,
  booleanProblem,
  commands,
  describeStatus,
  errorClass,
  errorReplyProblem,
  formatScpiNumber,
  isKeithley6485,
  isOverflowValue,
  parseBooleanReply,
  parseErrorReply,
  parseIdentity,
  parseNumberReply,
  parseReading,
  parseReadings,
  rangeFor,
  readTimeout,
  readingProblem,
  statusFlags,
} from "../../../drivers/keithley-6485/index.js";

describe("Keithley 6485 command builders", () => {
  it("builds the fact sheet's commands, short forms, no terminator", () => {
    expect(commands.identify()).toBe("*IDN?");
    expect(commands.reset()).toBe("*RST");
    expect(commands.clear()).toBe("*CLS");
    expect(commands.zeroCheck(false)).toBe("SYST:ZCH OFF");
    expect(commands.zeroCheck(true)).toBe("SYST:ZCH ON");
    expect(commands.zeroCheck()).toBe("SYST:ZCH?");
    expect(commands.zeroCorrect(true)).toBe("SYST:ZCOR ON");
    expect(commands.zeroCorrect()).toBe("SYST:ZCOR?");
    expect(commands.acquireZero()).toBe("SYST:ZCOR:ACQ");
    expect(commands.range(2e-9)).toBe("RANG 2E-9");
    expect(commands.range(0.002)).toBe("RANG 0.002");
    expect(commands.range()).toBe("RANG?");
    expect(commands.autorange(true)).toBe("RANG:AUTO ON");
    expect(commands.autorange(false)).toBe("RANG:AUTO OFF");
    expect(commands.autorange()).toBe("RANG:AUTO?");
    expect(commands.nplc(1)).toBe("NPLC 1");
    expect(commands.nplc(0.01)).toBe("NPLC 0.01");
    expect(commands.nplc()).toBe("NPLC?");
    expect(commands.read()).toBe("READ?");
    expect(commands.measure()).toBe("MEAS?");
    expect(commands.fetch()).toBe("FETC?");
    expect(commands.initiate()).toBe("INIT");
    expect(commands.formatElements(["READ", "UNIT", "TIME", "STAT"])).toBe(
      "FORM:ELEM READ,UNIT,TIME,STAT",
    );
    expect(commands.formatElements()).toBe("FORM:ELEM?");
    expect(commands.nextError()).toBe("SYST:ERR?");
    expect(commands.resetTime()).toBe("SYST:TIME:RES");
  });

  it("refuses what cannot be sent", () => {
    expect(() => commands.nplc(Number.NaN)).toThrow(RangeError);
    expect(() => commands.range(Infinity)).toThrow(RangeError);
    expect(() => commands.formatElements(["TIME"])).toThrow("needs READ");
    expect(formatScpiNumber(1.5e-7)).toBe("1.5E-7");
    expect(formatScpiNumber(20)).toBe("20");
  });

  it("describes every command as data, with its long form", () => {
    expect(COMMANDS.get("nplc")).toMatchObject({
      header: "NPLC",
      long: "[SENSe[:CURRent[:DC]]]:NPLCycles",
      form: "settable",
      parameter: "number",
    });
    expect(COMMANDS.get("read")?.form).toBe("query");
    expect(COMMANDS.get("clear")?.form).toBe("action");
    expect(COMMANDS.size).toBe(16);
  });
});

describe("Keithley 6485 readings", () => {
  it("parses the fact sheet's reading: value with A, timestamp, status word", () => {
    const reading = parseReading("+1.040564E-06A,+2.236299E+02,+1.380000E+02");
    expect(reading).toMatchObject({
      current: 1.040564e-6,
      timestamp: 223.6299,
      status: 138,
      overflow: false,
      invalid: false,
    });
    // 138 = bits 1, 3, 7: filter, null, overvoltage (the 6487 manual's example)
    expect(reading.flags).toMatchObject({ filter: true, nullRel: true, overvoltage: true });
    expect(reading.flags?.overflow).toBe(false);
  });

  it("tolerates spaces after commas, a trailing CR, no unit, lower case", () => {
    const spaced = parseReading("-2.500000E-09A, +1.000000E+00, +0.000000E+00\r");
    expect(spaced).toMatchObject({ current: -2.5e-9, timestamp: 1, status: 0 });
    expect(parseReading("+3.000000e-12,+5.0e+00,+5.12e+02").current).toBe(3e-12);
    expect(parseReading("+3.000000e-12,+5.0e+00,+5.12e+02").flags?.zeroCheck).toBe(true);
  });

  it("tells overflow (+9.9E37) from invalid data (+9.91E37)", () => {
    const over = parseReading("+9.900000E+37A,+1.000000E+00,+1.000000E+00");
    expect(over).toMatchObject({ current: 9.9e37, overflow: true, invalid: false });
    expect(alarmSeverity(over)).toBe(2);
    const nan = parseReading("+9.910000E+37A,+1.000000E+00,+0.000000E+00");
    expect(nan).toMatchObject({ overflow: false, invalid: true });
    expect(alarmSeverity(nan)).toBe(3);
    // the status word's overflow bit alone also counts
    expect(parseReading("+2.100000E-09A,+1.0E+00,+1.0E+00").overflow).toBe(true);
    expect(isOverflowValue(-9.9e37)).toBe(true);
    expect(isOverflowValue(9.91e37)).toBe(false);
    expect(alarmSeverity(parseReading("+1.0E-09A,+1.0E+00,+0.0E+00"))).toBe(0);
    expect(alarmSeverity(parseReading("+1.0E-09A,+1.0E+00,+5.12E+02"))).toBe(1);
  });

  it("follows the selected elements, and splits several readings", () => {
    expect(parseReading("+1.000000E-09A", ["READ", "UNIT"])).toEqual({
      current: 1e-9,
      overflow: false,
      invalid: false,
    });
    const two = parseReadings("+1.0E-09A,+1.0E+00,+0.0E+00,+2.0E-09A,+1.1E+00,+0.0E+00");
    expect(two.map((r) => r.current)).toEqual([1e-9, 2e-9]);
    expect(() => parseReading("+1.0E-09A,+1.0E+00,+0.0E+00,+2.0E-09A,+1.1E+00,+0.0E+00")).toThrow(
      "expected one reading, not 2",
    );
  });

  it("rejects garbage, cut lines and bad fields with a Keithley6485Error", () => {
    for (const bad of [
      "",
      "#~?!",
      "+1.040564E-06A,+2.2362",
      "+1.040564E-06A,+2.236299E+02,+1.380000E+02,+1",
      "+1.04XE-06A,+2.236299E+02,+1.380000E+02",
      "+1.0E-06A,+2.2E+02,+1.5E+00",
      "+1.0E-06A,+2.2E+02,+7.0E+04",
    ]) {
      expect(() => parseReading(bad), bad).toThrow(Keithley6485Error);
      expect(readingProblem(bad), bad).toMatch(/^gave /);
    }
    expect(readingProblem("+1.0E-06A,+2.2E+02,+0.0E+00")).toBeUndefined();
    const error = (() => {
      try {
        parseReading("#~?!");
      } catch (e) {
        return e as Keithley6485Error;
      }
    })();
    expect(error).toBeInstanceOf(HilError);
    expect(error?.code).toBe("HIL_KEITHLEY");
    expect(error?.message).toBe(
      'Keithley 6485: "READ?" gave "#~?!", expected 3 field(s) per reading (READ,TIME,STAT)',
    );
  });
});

describe("Keithley 6485 other replies", () => {
  it("parses SYST:ERR? entries", () => {
    expect(parseErrorReply('-113,"Undefined header"')).toEqual({
      code: -113,
      message: "Undefined header",
    });
    expect(parseErrorReply('0,"No error"')).toEqual({ code: 0, message: "No error" });
    expect(parseErrorReply('+0, "No error"\r')).toEqual({ code: 0, message: "No error" });
    expect(parseErrorReply('-222,"Data out of range;NPLC 7"').message).toBe(
      "Data out of range;NPLC 7",
    );
    expect(parseErrorReply("+501,Unquoted text")).toEqual({ code: 501, message: "Unquoted text" });
    expect(() => parseErrorReply("No error")).toThrow('"SYST:ERR?" gave "No error"');
    expect(errorReplyProblem("+1.0E-06A,+2.2E+02,+0.0E+00")).toMatch(/expected <code>/);
  });

  it("parses numbers and booleans", () => {
    expect(parseNumberReply("2.000000E-09", "RANG?")).toBe(2e-9);
    expect(parseNumberReply(" 5.000000E+00\r", "NPLC?")).toBe(5);
    expect(() => parseNumberReply("auto", "RANG?")).toThrow(
      '"RANG?" gave "auto", expected a number',
    );
    expect(parseBooleanReply("1", "RANG:AUTO?")).toBe(true);
    expect(parseBooleanReply("0\r", "RANG:AUTO?")).toBe(false);
    expect(parseBooleanReply("on", "SYST:ZCH?")).toBe(true);
    expect(booleanProblem("2")).toMatch(/expected 1 or 0/);
  });

  it("parses *IDN? and checks the model", () => {
    const identity = parseIdentity(
      "KEITHLEY INSTRUMENTS INC.,MODEL 6485,1234567,C01   Sep 22 2003",
    );
    expect(identity).toEqual({
      manufacturer: "KEITHLEY INSTRUMENTS INC.",
      model: "MODEL 6485",
      serial: "1234567",
      firmware: "C01   Sep 22 2003",
    });
    expect(isKeithley6485(identity)).toBe(true);
    expect(isKeithley6485(parseIdentity("KEITHLEY INSTRUMENTS INC.,MODEL 6487,1,A"))).toBe(false);
    expect(isKeithley6485(parseIdentity("ACME,MODEL 6485,1,A"))).toBe(false);
    expect(isKeithley6485(parseIdentity("KEITHLEY INSTRUMENTS INC.,MODEL 64850,1,A"))).toBe(false);
    expect(() => parseIdentity("garbage")).toThrow(Keithley6485Error);
  });
});

describe("Keithley 6485 tables", () => {
  it("names status bits", () => {
    expect(statusFlags(0x0601)).toMatchObject({
      overflow: true,
      zeroCheck: true,
      zeroCorrect: true,
    });
    expect(describeStatus(138)).toEqual([
      "filter enabled",
      "null/REL enabled",
      "overvoltage on input",
    ]);
    expect(describeStatus(0x8100)).toEqual(["unused bits 0x8100"]);
  });

  it("classifies SCPI error codes", () => {
    expect(SCPI_ERRORS.get(-113)).toBe("Undefined header");
    expect(SCPI_ERRORS.get(-350)).toBe("Queue overflow");
    expect(errorClass(0)).toBe("none");
    expect(errorClass(-113)).toBe("command");
    expect(errorClass(-222)).toBe("execution");
    expect(errorClass(-350)).toBe("device");
    expect(errorClass(-420)).toBe("query");
    expect(errorClass(501)).toBe("instrument");
  });

  it("snaps a current to its range", () => {
    expect(RANGES).toHaveLength(8);
    expect(rangeFor(1e-9)).toBe(2e-9);
    expect(rangeFor(2e-9)).toBe(2e-9);
    expect(rangeFor(2.5e-9)).toBe(20e-9);
    expect(rangeFor(-1e-4)).toBe(200e-6);
    expect(rangeFor(0.02)).toBe(0.02);
    expect(rangeFor(0.03)).toBeUndefined();
  });

  it("derives the READ? timeout from NPLC and the line frequency", () => {
    expect(readTimeout({ nplc: 1, lineFrequency: 50, base: 1 })).toBeCloseTo(1.2, 12);
    expect(readTimeout({ nplc: 6, lineFrequency: 60, base: 0.5 })).toBeCloseTo(1.5, 12);
    expect(readTimeout({ nplc: 0.01, lineFrequency: 50, base: 1 })).toBeCloseTo(1.002, 12);
    expect(() => readTimeout({ nplc: 0, lineFrequency: 50, base: 1 })).toThrow(RangeError);
  });
});

describe("Keithley6485Error", () => {
  it("names device, port, command and each queued error", () => {
    const error = new Keithley6485Error({
      command: "NPLC 7",
      problem: "was refused",
      errors: [
        { code: -222, message: "Data out of range" },
        { code: -113, message: "Undefined header" },
      ],
    });
    expect(error.message).toBe(
      'Keithley 6485: "NPLC 7" was refused: -222 "Data out of range", -113 "Undefined header"',
    );
    const placed = error.placed({ port: "serial:/dev/ttyUSB1", device: "det" });
    expect(placed.message).toBe(
      'det (Keithley 6485 at serial:/dev/ttyUSB1): "NPLC 7" was refused: ' +
        '-222 "Data out of range", -113 "Undefined header"',
    );
    expect(placed).toMatchObject({
      code: "HIL_KEITHLEY",
      port: "serial:/dev/ttyUSB1",
      command: "NPLC 7",
      errorCode: -222,
      errorMessage: "Data out of range",
    });
    expect(placed.errors).toHaveLength(2);
  });
});
