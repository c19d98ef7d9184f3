// The 336's command set as pure functions: request lines out, reply lines in, with vectors
// from the fact sheet (../shared/reference/instruments.md §2).
import { describe, expect, it } from "vitest";
import {
  ESR_ERROR_MASK,
  LAKESHORE336_LINE,
  LakeShore336Error,
  READING_STATUS_BITS,
  checkedReplyProblem,
  checkedRequest,
  commands,
  describeEsr,
  formatNumber,
  isModel336,
  parseCheckedReply,
  parseIdentity,
  parseInteger,
  parseKelvin,
  parsePid,
  parseRamp,
  parseRampStatus,
  parseReadingStatus,
  rangeChoices,
  readingSeverity,
  readingStatusFlags,
  repliesOf,
} from "../../../drivers/lakeshore-336/index.js";

describe("the 336 line", () => {
  it("is 57600 baud 7O1 on USB, port 7777 on Ethernet, LF out and CR LF in", () => {
    expect(LAKESHORE336_LINE).toMatchObject({
      baud: 57600,
      dataBits: 7,
      parity: "odd",
      stopBits: 1,
      tcpPort: 7777,
      commandTerminator: "\n",
      replyTerminator: "\r\n",
    });
  });
});

describe("commands", () => {
  it("builds each query and set", () => {
    expect(commands.identify()).toBe("*IDN?");
    expect(commands.kelvin("A")).toBe("KRDG? A");
    expect(commands.readingStatus("C")).toBe("RDGST? C");
    expect(commands.setpoint(1)).toBe("SETP? 1");
    expect(commands.setpoint(1, 100)).toBe("SETP 1,100");
    expect(commands.setpoint(2, 4.2)).toBe("SETP 2,4.2");
    expect(commands.ramp(1)).toBe("RAMP? 1");
    expect(commands.ramp(1, { on: true, rate: 10 })).toBe("RAMP 1,1,10");
    expect(commands.ramp(2, { on: false, rate: 0.5 })).toBe("RAMP 2,0,0.5");
    expect(commands.rampStatus(1)).toBe("RAMPST? 1");
    expect(commands.range(1)).toBe("RANGE? 1");
    expect(commands.range(1, 3)).toBe("RANGE 1,3");
    expect(commands.range(3, 1)).toBe("RANGE 3,1");
    expect(commands.heater(2)).toBe("HTR? 2");
    expect(commands.analogOutput(3)).toBe("AOUT? 3");
    expect(commands.pid(1)).toBe("PID? 1");
    expect(commands.pid(1, { p: 50, i: 20, d: 0 })).toBe("PID 1,50,20,0");
  });

  it("refuses what the instrument would refuse, before sending", () => {
    expect(() => commands.kelvin("E" as "A")).toThrow(/input must be one of A, B, C, D/);
    expect(() => commands.setpoint(5 as 1)).toThrow(/output must be one of 1, 2, 3, 4/);
    expect(() => commands.ramp(1, { on: true, rate: 0 })).toThrow(/within 0.1..100, got 0/);
    expect(() => commands.ramp(1, { on: true, rate: 101 })).toThrow(/within 0.1..100/);
    expect(() => commands.range(1, 4)).toThrow(/0..3, got 4/);
    expect(() => commands.range(4, 2)).toThrow(/0..1, got 2/);
    expect(() => commands.heater(3)).toThrow(/heater outputs 1 and 2/);
    expect(() => commands.analogOutput(1)).toThrow(/analog outputs 3 and 4/);
    expect(() => commands.pid(1, { p: 0, i: 20, d: 0 })).toThrow(/P must be within 0.1..1000/);
    expect(() => commands.pid(1, { p: 50, i: 20, d: 201 })).toThrow(/D must be within 0..200/);
  });

  it("formats numbers plainly: no exponent, at most 4 decimals, no trailing zeros", () => {
    expect(formatNumber(100)).toBe("100");
    expect(formatNumber(273.15)).toBe("273.15");
    expect(formatNumber(1e-7)).toBe("0");
    expect(formatNumber(1234.56789)).toBe("1234.5679");
    expect(formatNumber(-5)).toBe("-5");
    expect(() => formatNumber(Number.NaN)).toThrow(RangeError);
  });

  it("names the ranges of each output", () => {
    expect(rangeChoices(1)).toEqual(["Off", "Low", "Medium", "High"]);
    expect(rangeChoices(4)).toEqual(["Off", "On"]);
  });
});

describe("checked requests", () => {
  it("join the commands with ;*ESR? and expect one reply per query", () => {
    expect(checkedRequest(["SETP 1,100"])).toBe("SETP 1,100;*ESR?");
    expect(checkedRequest(["*CLS", "*IDN?"])).toBe("*CLS;*IDN?;*ESR?");
    expect(repliesOf(["*CLS", "*IDN?", "KRDG? A", "RANGE 1,2"])).toBe(2);
    expect(() => checkedRequest([])).toThrow(RangeError);
  });

  it("split the reply on ;, the last field being *ESR?", () => {
    expect(parseCheckedReply(["KRDG? A"], "+273.150;0")).toEqual({
      replies: ["+273.150"],
      esr: 0,
    });
    expect(parseCheckedReply(["SETP 1,100"], "0")).toEqual({ replies: [], esr: 0 });
    // Power-on and operation complete are news, not refusals.
    expect(parseCheckedReply(["*IDN?"], "LSCI,MODEL336,1/1,2.9;128")).toEqual({
      replies: ["LSCI,MODEL336,1/1,2.9"],
      esr: 128,
    });
  });

  it("throw 'was refused' with the *ESR? bits of a refused command", () => {
    let error: unknown;
    try {
      parseCheckedReply(["RANGE 1,7"], "16");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LakeShore336Error);
    expect(error).toMatchObject({ code: "HIL_LAKESHORE", esr: 16, command: "RANGE 1,7;*ESR?" });
    expect((error as Error).message).toBe(
      'Lake Shore 336: "RANGE 1,7;*ESR?" was refused: *ESR? 16 (execution error: a parameter out of range)',
    );
    // A refused query sends nothing: only *ESR? comes back.
    expect(() => parseCheckedReply(["KRDX? A"], "32")).toThrow(
      /"KRDX\? A;\*ESR\?" was refused: \*ESR\? 32 \(command error: unknown mnemonic or bad syntax\)/,
    );
  });

  it("throw for replies that do not fit, naming what was expected", () => {
    expect(() => parseCheckedReply(["KRDG? A"], "0")).toThrow(
      'Lake Shore 336: "KRDG? A;*ESR?" gave "0", expected 1 reply and *ESR?',
    );
    expect(() => parseCheckedReply(["KRDG? A"], "+273.150")).toThrow(
      /expected replies ending in the \*ESR\? value/,
    );
    expect(checkedReplyProblem("+273.150;0")).toBeUndefined();
    expect(checkedReplyProblem("#~?!")).toBe("not a reply ending in the *ESR? value");
  });

  it("describe the error bits of *ESR?", () => {
    expect(ESR_ERROR_MASK).toBe(4 | 8 | 16 | 32);
    expect(describeEsr(48)).toEqual([
      "command error: unknown mnemonic or bad syntax",
      "execution error: a parameter out of range",
    ]);
    expect(describeEsr(129)).toEqual([]);
  });

  it("place an error with the port and the device", () => {
    const error = new LakeShore336Error({ command: "SETP? 1;*ESR?", problem: "got no reply" });
    expect(error.placed({ port: "tcp:10.0.0.3:7777", device: "tc1" }).message).toBe(
      'tc1 (Lake Shore 336 at tcp:10.0.0.3:7777): "SETP? 1;*ESR?" got no reply',
    );
  });
});

describe("replies", () => {
  it("parse readings and numbers with their explicit sign", () => {
    expect(parseKelvin("+273.150")).toBe(273.15);
    expect(parseKelvin("-012.345")).toBe(-12.345);
    expect(parseKelvin(" +4.20000 ")).toBe(4.2);
    expect(() => parseKelvin("T.OVER", "KRDG? A;*ESR?")).toThrow(
      'Lake Shore 336: "KRDG? A;*ESR?" gave "T.OVER", expected a temperature like +273.150',
    );
    expect(() => parseKelvin("1e3")).toThrow(LakeShore336Error);
  });

  it("parse enums, RAMP?, RAMPST? and PID?", () => {
    expect(parseInteger("3", "RANGE? 1", 3)).toBe(3);
    expect(parseInteger("000", "RDGST? A", 255)).toBe(0);
    expect(() => parseInteger("4", "RANGE? 1", 3)).toThrow(/a whole number 0..3/);
    expect(parseRampStatus("1")).toBe(true);
    expect(parseRampStatus("0")).toBe(false);
    expect(parseRamp("1,+10.0")).toEqual({ on: true, rate: 10 });
    expect(parseRamp("0, +0.5")).toEqual({ on: false, rate: 0.5 });
    expect(() => parseRamp("2,+10.0")).toThrow(/expected <0\|1>,<rate>/);
    expect(parsePid("+50.0,+20.0,+0")).toEqual({ p: 50, i: 20, d: 0 });
    expect(() => parsePid("+50.0,+20.0")).toThrow(/expected <P>,<I>,<D>/);
  });

  it("parse RDGST? and grade a reading's status", () => {
    expect(parseReadingStatus("000")).toBe(0);
    expect(parseReadingStatus("032")).toBe(32);
    expect(() => parseReadingStatus("256")).toThrow(/a whole number 0..255/);
    expect(readingStatusFlags(0)).toEqual([]);
    expect(readingStatusFlags(16 | 128)).toEqual(["temperatureUnderRange", "sensorOverRange"]);
    expect(readingSeverity(0)).toBe(0);
    expect(readingSeverity(32)).toBe(2);
    expect(readingSeverity(1 | 32)).toBe(3);
    expect(READING_STATUS_BITS.sensorZero).toBe(64);
  });

  it("parse *IDN? and tell a 336 from another model", () => {
    const identity = parseIdentity("LSCI,MODEL336,1234567/1234567,2.9");
    expect(identity).toEqual({
      manufacturer: "LSCI",
      model: "MODEL336",
      serial: "1234567/1234567",
      firmware: "2.9",
    });
    expect(isModel336(identity)).toBe(true);
    expect(isModel336(parseIdentity("LSCI,MODEL335,1234567/1234567,2.9"))).toBe(false);
    expect(() => parseIdentity("LSCI,MODEL336")).toThrow(/<manufacturer>,<model>,<serial>/);
  });
});
