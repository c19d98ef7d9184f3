import { describe, expect, it } from "vitest";
import { transportSchema } from "../../src/config/index.js";

describe("transportSchema", () => {
  it("fills the usual defaults", () => {
    expect(transportSchema.parse({ type: "serial", path: "/dev/ttyUSB0", baud: 57600 })).toEqual({
      type: "serial",
      path: "/dev/ttyUSB0",
      baud: 57600,
      dataBits: 8,
      parity: "none",
      stopBits: 1,
      flowControl: "none",
    });
    expect(transportSchema.parse({ type: "modbus-tcp", host: "plc", unitId: 3 })).toEqual({
      type: "modbus-tcp",
      host: "plc",
      port: 502,
      unitId: 3,
    });
    expect(
      transportSchema.parse({ type: "modbus-rtu", path: "/dev/ttyS1", baud: 19200, unitId: 1 }),
    ).toMatchObject({ parity: "none" });
    expect(transportSchema.parse({ type: "ca", prefix: "BL7:MTR2" })).toEqual({
      type: "ca",
      prefix: "BL7:MTR2",
    });
    expect(transportSchema.parse({ type: "sim" })).toEqual({ type: "sim" });
  });

  it("takes numbers given as text, as environment variables give them", () => {
    expect(transportSchema.parse({ type: "tcp", host: "h", port: "7777" })).toEqual({
      type: "tcp",
      host: "h",
      port: 7777,
    });
    expect(
      transportSchema.parse({ type: "serial", path: "p", baud: "9600", stopBits: "2" }),
    ).toMatchObject({ baud: 9600, stopBits: 2 });
  });

  it("refuses bad values, unknown keys and unknown types", () => {
    const fails = (value: unknown) => !transportSchema.safeParse(value).success;
    expect(fails({ type: "tcp", host: "h", port: 70000 })).toBe(true);
    expect(fails({ type: "tcp", host: "h", port: "fast" })).toBe(true);
    expect(fails({ type: "serial", path: "p", baud: 9600, stopBits: 3 })).toBe(true);
    expect(fails({ type: "modbus-tcp", host: "h" })).toBe(true); // unitId is required
    expect(fails({ type: "tcp", host: "h", port: 1, timeout: 3 })).toBe(true);
    expect(fails({ type: "usb" })).toBe(true);
  });
});
