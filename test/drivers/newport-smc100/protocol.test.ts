import { describe, expect, it } from "vitest";
import { HilError } from "../../../src/core/index.js";
import {
  COMMAND_ERRORS,
  CONTROLLER_STATES,
  Smc100Error,
  commands,
  describePositionerErrors,
  echoProblem,
  formatNumber,
  isReady,
  parseErrorReply,
  parseErrorStringReply,
  parseNumberReply,
  parseStatusReply,
  parseTextReply,
  stripEcho,
} from "../../../drivers/newport-smc100/index.js";

describe("SMC100 command builders", () => {
  it("builds the fact sheet's commands with the address prefix and no terminator", () => {
    expect(commands.PA(1, 12.5)).toBe("1PA12.5");
    expect(commands.PA(1)).toBe("1PA?");
    expect(commands.PR(2, -1)).toBe("2PR-1");
    expect(commands.VA(1, 2)).toBe("1VA2");
    expect(commands.VA(1)).toBe("1VA?");
    expect(commands.AC(1, 16)).toBe("1AC16");
    expect(commands.SL(1, -25)).toBe("1SL-25");
    expect(commands.SL(1)).toBe("1SL?");
    expect(commands.SR(31, 25)).toBe("31SR25");
    expect(commands.TP(1)).toBe("1TP");
    expect(commands.TS(1)).toBe("1TS");
    expect(commands.TE(1)).toBe("1TE");
    expect(commands.VE(1)).toBe("1VE");
    expect(commands.OR(1)).toBe("1OR");
    expect(commands.RS(1)).toBe("1RS");
    expect(commands.ST(1)).toBe("1ST");
    expect(commands.ST()).toBe("ST");
    expect(commands.TB(1)).toBe("1TB");
    expect(commands.TB(1, "C")).toBe("1TBC");
    expect(commands.ID(1)).toBe("1ID?");
    expect(commands.ID(1, "LTA-HS")).toBe("1IDLTA-HS");
    expect(commands.PW(1, 1)).toBe("1PW1");
    expect(commands.PW(1, 0)).toBe("1PW0");
    expect(commands.MM(1, 0)).toBe("1MM0");
  });

  it("writes numbers in plain decimal with at most 6 decimals, never an exponent", () => {
    expect(formatNumber(1e-7)).toBe("0");
    expect(formatNumber(-0.000012)).toBe("-0.000012");
    expect(formatNumber(1e-6)).toBe("0.000001");
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(-1e-9)).toBe("0");
    expect(formatNumber(123456.5)).toBe("123456.5");
    expect(() => formatNumber(Number.NaN)).toThrow(RangeError);
    expect(() => formatNumber(Infinity)).toThrow(RangeError);
    expect(() => formatNumber(1e21)).toThrow(RangeError);
  });

  it("refuses addresses outside 1..31 and bad parameters", () => {
    expect(() => commands.TP(0)).toThrow("SMC100 address must be an integer 1..31, got 0");
    expect(() => commands.TP(32)).toThrow(RangeError);
    expect(() => commands.TP(1.5)).toThrow(RangeError);
    expect(() => commands.PA(1, Number.NaN)).toThrow(RangeError);
    expect(() => commands.PW(1, 2 as 0)).toThrow("PW takes 0 or 1, got 2");
    expect(() => commands.TB(1, "Q")).toThrow(RangeError);
    expect(() => commands.ID(1, "two\r\nlines")).toThrow(RangeError);
  });
});

describe("SMC100 reply parsers", () => {
  it("strips the echoed address and mnemonic", () => {
    expect(parseNumberReply("1TP12.34567", 1, "TP")).toBe(12.34567);
    expect(parseNumberReply("1TP-0.000012", 1, "TP")).toBe(-0.000012);
    expect(parseNumberReply("1VA2", 1, "VA")).toBe(2);
    expect(parseNumberReply("1SL-25", 1, "SL")).toBe(-25);
    expect(parseNumberReply("12SR25\r\n", 12, "SR")).toBe(25);
    expect(parseNumberReply("1tp3", 1, "TP")).toBe(3);
    expect(parseTextReply("1VE SMC_CC - Controller-driver version 3.0.2", 1, "VE")).toBe(
      "SMC_CC - Controller-driver version 3.0.2",
    );
    expect(parseTextReply("1IDLTA-HS", 1, "ID")).toBe("LTA-HS");
    expect(stripEcho("1PA5", 1, "PA")).toBe("5");
  });

  it("rejects another address's or command's reply, and non-numbers, naming them", () => {
    expect(() => parseNumberReply("2TP1", 1, "TP")).toThrow(
      'SMC100, address 1: "1TP" got "2TP1", expected a reply starting with "1TP"',
    );
    expect(() => parseNumberReply("11TP1", 1, "TP")).toThrow(Smc100Error);
    expect(() => parseNumberReply("1TS00000A", 1, "TP")).toThrow(Smc100Error);
    expect(() => parseNumberReply("1TPabc", 1, "TP")).toThrow(
      'got "1TPabc", expected a number after 1TP',
    );
    expect(() => parseNumberReply("1TP", 1, "TP")).toThrow(Smc100Error);
  });

  it("tells the channel which replies to retry, but lets a NUL through to be reported", () => {
    expect(echoProblem("1TP5", 1, "TP")).toBeUndefined();
    expect(echoProblem("#~?!", 1, "TP")).toBe('expected a reply starting with "1TP"');
    expect(echoProblem("1TS000033", 1, "TE")).toBeDefined();
    expect(echoProblem("\x001TS00000A", 1, "TS")).toBeUndefined();
    expect(() => parseStatusReply("\x001TS00000A", 1)).toThrow(
      /NUL byte .*the motor power supply was cut/,
    );
  });

  it("parses TS into error flags by name and the controller state", () => {
    const reset = parseStatusReply("1TS00000A", 1);
    expect(reset.errorWord).toBe(0);
    expect(reset.state).toEqual({
      code: 0x0a,
      name: "NOT REFERENCED from RESET",
      group: "NOT_REFERENCED",
    });
    expect(Object.values(reset.errors).every((on) => !on)).toBe(true);
    const ready = parseStatusReply("1TS000033", 1);
    expect(ready.state.name).toBe("READY from MOVING");
    expect(isReady(ready.state)).toBe(true);
    expect(parseStatusReply("1TS000028", 1).state.group).toBe("MOVING");
    expect(parseStatusReply("1TS00001E", 1).state.group).toBe("HOMING");
    expect(parseStatusReply("1TS000014", 1).state.group).toBe("CONFIGURATION");
    const fault = parseStatusReply("1TS00223D", 1);
    expect(fault.errorWord).toBe(0x0022);
    expect(fault.errors.positiveEndOfRun).toBe(true);
    expect(fault.errors.followingError).toBe(true);
    expect(fault.errors.negativeEndOfRun).toBe(false);
    expect(fault.state).toMatchObject({ name: "DISABLE from MOVING", group: "DISABLE" });
    expect(describePositionerErrors(0x0201)).toEqual([
      "negative end of run",
      "80 W output power exceeded",
    ]);
    expect(describePositionerErrors(0x8000)).toEqual(["unused bits 0x8000"]);
  });

  it("rejects a TS reply of the wrong shape or an unknown state", () => {
    expect(() => parseStatusReply("1TS0033", 1)).toThrow(
      "expected 4 hex digits of errors and 2 of state",
    );
    expect(() => parseStatusReply("1TS000099", 1)).toThrow("unknown controller state 0x99");
  });

  it("parses TE letters and TB strings", () => {
    expect(parseErrorReply("1TE@", 1)).toEqual({ letter: "@", meaning: "no error" });
    expect(parseErrorReply("1TEC", 1)).toEqual({
      letter: "C",
      meaning: "parameter missing or out of range",
    });
    expect(parseErrorReply("1TEH", 1).meaning).toBe("command not allowed in NOT REFERENCED state");
    expect(parseErrorReply("1TEZ", 1).meaning).toBe('unknown error letter "Z"');
    expect(() => parseErrorReply("1TE", 1)).toThrow("expected one error letter");
    expect(parseErrorStringReply("1TB@ No error", 1)).toEqual({ letter: "@", text: "No error" });
    expect(parseErrorStringReply("1TBC Parameter missing or out of range", 1)).toEqual({
      letter: "C",
      text: "Parameter missing or out of range",
    });
  });

  it("holds the fact sheet's tables", () => {
    expect(CONTROLLER_STATES.size).toBe(21);
    expect(COMMAND_ERRORS.size).toBe(20);
    expect(CONTROLLER_STATES.get(0x32)?.name).toBe("READY from HOMING");
    expect(COMMAND_ERRORS.get("G")).toBe("displacement out of limits");
  });
});

describe("Smc100Error", () => {
  it("is a HilError with code HIL_SMC100 naming device, port, address, command and letter", () => {
    const error = new Smc100Error({
      address: 1,
      command: "1PA5",
      problem: "was refused",
      letter: "H",
      port: "serial:/dev/ttyUSB0",
      device: "m1",
    });
    expect(error).toBeInstanceOf(HilError);
    expect(error.code).toBe("HIL_SMC100");
    expect(error.name).toBe("Smc100Error");
    expect(error.message).toBe(
      'm1 (SMC100 at serial:/dev/ttyUSB0, address 1): "1PA5" was refused: ' +
        "TE H (command not allowed in NOT REFERENCED state)",
    );
    expect(error.meaning).toBe("command not allowed in NOT REFERENCED state");
    const placed = new Smc100Error({ address: 2, command: "2TS", problem: "x" }).placed({
      port: "memory:a",
    });
    expect(placed.message).toBe('SMC100 at memory:a, address 2: "2TS" x');
    expect(placed.port).toBe("memory:a");
  });
});
