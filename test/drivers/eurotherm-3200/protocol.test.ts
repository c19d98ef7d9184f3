// The Eurotherm 3200 register map as data: addresses against the fact sheet, the Modbus spec
// of each region, and the status word.
import { describe, expect, it } from "vitest";
import {
  FLOAT_REGION_BASE,
  PARAMETERS,
  STATUS_BITS,
  activeStatusFlags,
  decodeStatus,
  floatAddress,
  registerSpec,
} from "../../../drivers/eurotherm-3200/index.js";
import { decodeRegisters } from "../../../src/transports/index.js";
import type { RegisterCodecOptions } from "../../../src/transports/index.js";

describe("Eurotherm 3200 register map", () => {
  it("has the fact sheet's addresses", () => {
    const addresses = Object.fromEntries(
      Object.values(PARAMETERS).map((p) => [p.mnemonic, p.address]),
    );
    expect(addresses).toMatchObject({
      "PV.IN": 1,
      "TG.SP": 2,
      "MAN.OP": 3,
      "WRK.OP": 4,
      "WKG.SP": 5,
      "SP.RAT": 35,
      STATUS: 75,
      "SP.HI": 111,
      "SP.LO": 112,
      MODE: 199,
      "A-M": 273,
      "L-R": 276,
      "Rm.SP": 26,
    });
    const all = Object.values(PARAMETERS).map((p) => p.address);
    expect(new Set(all).size).toBe(all.length);
  });

  it("puts parameter n's float at 0x8000 + 2n", () => {
    expect(FLOAT_REGION_BASE).toBe(0x8000);
    expect(floatAddress(1)).toBe(0x8002);
    expect(floatAddress(26)).toBe(0x8034);
  });

  it("encodes the scaled region: decimal places for temperatures, one for outputs", () => {
    const pv = registerSpec(PARAMETERS.processValue, "scaled", 1);
    expect(pv).toEqual({
      table: "holding",
      address: 1,
      type: "int16",
      decimalPlaces: 1,
      verifyOnConnect: true,
    });
    // 24.5 °C with one decimal place is 245; -10.0 is 0xFF9C.
    expect(decodeRegisters([245], pv as RegisterCodecOptions)).toBe(24.5);
    expect(decodeRegisters([0xff9c], pv as RegisterCodecOptions)).toBe(-10);
    expect(registerSpec(PARAMETERS.processValue, "scaled", 2)).toMatchObject({ decimalPlaces: 2 });
    expect(registerSpec(PARAMETERS.workingOutput, "scaled", 0)).toMatchObject({ decimalPlaces: 1 });
    expect(registerSpec(PARAMETERS.status, "scaled", 1)).toMatchObject({ type: "uint16" });
    expect(registerSpec(PARAMETERS.instrumentMode, "scaled", 1)).toMatchObject({
      choices: ["auto", "manual", "standby"],
    });
    expect(registerSpec(PARAMETERS.acknowledgeAlarms, "scaled", 1)).toMatchObject({
      verifyOnConnect: false,
    });
  });

  it("encodes the float region: float32 high word first, times int32 ms, enums stay scaled", () => {
    const sp = registerSpec(PARAMETERS.targetSetpoint, "float", 1);
    expect(sp).toEqual({
      table: "holding",
      address: 0x8004,
      type: "float32",
      wordOrder: "big",
      verifyOnConnect: true,
    });
    expect(decodeRegisters([0x41c4, 0x0000], sp as RegisterCodecOptions)).toBe(24.5);
    const ti = registerSpec(PARAMETERS.integralTime, "float", 1);
    expect(ti).toMatchObject({ address: 0x8010, type: "int32", scale: 0.001 });
    expect(decodeRegisters([0x0000, 60000], ti as RegisterCodecOptions)).toBe(60);
    expect(registerSpec(PARAMETERS.instrumentMode, "float", 1)).toMatchObject({ address: 199 });
    expect(registerSpec(PARAMETERS.status, "float", 1)).toMatchObject({ address: 75 });
  });

  it("names the bits of the status word", () => {
    const word = STATUS_BITS.alarm1 | STATUS_BITS.sensorBreak | STATUS_BITS.rampRunning;
    expect(word).toBe(0x2021);
    expect(activeStatusFlags(word)).toEqual(["alarm1", "sensorBreak", "rampRunning"]);
    expect(decodeStatus(word)).toMatchObject({ alarm1: true, alarm2: false, sensorBreak: true });
    expect(decodeStatus(0x4000).remoteSetpointFail).toBe(true);
    expect(activeStatusFlags(0)).toEqual([]);
  });
});
