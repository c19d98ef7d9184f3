// The Eurotherm 3200 driver against test/cassettes/eurotherm-3200/read-and-set.jsonl, Modbus
// transactions recorded from the driver and the emulator: no emulator and no socket here.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  CassetteMismatchError,
  ModbusCassettePlayer,
  ModbusExceptionError,
} from "../../../src/transports/index.js";
import {
  EUROTHERM_CASSETTE,
  eurotherm,
  eurothermScenario,
} from "../../transports/cassette/record-fixtures.js";

describe("Eurotherm3200 replaying read-and-set.jsonl", () => {
  it("connects, reads, sets 30, settles and meets the refused read as recorded", async () => {
    const clock = new VirtualClock();
    const player = await ModbusCassettePlayer.load(EUROTHERM_CASSETTE);
    const tc = eurotherm(player, clock);
    const outcome = await eurothermScenario(tc);
    expect(outcome).toEqual({
      reading: {
        tc: { value: 20, timestamp: 0 },
        tc_setpoint: { value: 20, timestamp: 0 },
        tc_working_setpoint: { value: 20, timestamp: 0 },
        tc_output: { value: 0, timestamp: 0 },
      },
      configuration: {
        tc_setpoint_rate: 0,
        tc_mode: "auto",
        tc_setpoint_high: 1000,
        tc_setpoint_low: 0,
        tc_proportional_band: 50,
        tc_integral_time: 1,
        tc_derivative_time: 0,
        tc_tolerance: 0.5,
        tc_settle_time: 0.3,
      },
      settledAt: 30,
      setpoint: 30,
      failure:
        "cassette:read-and-set.jsonl: read holding registers (FC03) unit 1 at 0x0004 (4) " +
        "failed: exception 4 SERVER DEVICE FAILURE",
    });
    player.assertComplete();
    // Settled: within 0.5 of 30 for 0.3 s of polls every 0.1 s, on the recorded readings.
    expect(clock.now()).toBeCloseTo(0.5, 6);
    expect((await tc.describe()).tc?.source).toBe("cassette://read-and-set.jsonl/1/holding/0x1");
  });

  it("replays the recorded exception as a ModbusExceptionError", async () => {
    const player = await ModbusCassettePlayer.load(EUROTHERM_CASSETTE);
    const clock = new VirtualClock();
    const tc = eurotherm(player, clock);
    await tc.connect();
    await tc.read();
    await tc.readConfiguration();
    await tc.set(30);
    await tc.temperature.get();
    await tc.setpoint.get();
    const error = await tc.heater.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusExceptionError);
    expect(error).toMatchObject({ exceptionCode: 4, functionCode: 3, address: 4 });
  });

  it("fails at the request whose recorded value was edited, naming the cassette line", async () => {
    const copy = join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "read-and-set.jsonl");
    copyFileSync(EUROTHERM_CASSETTE, copy);
    const lines = readFileSync(copy, "utf8").split("\n");
    // The setpoint write of 30.0 (300) now expects 30.1 (301).
    const at = lines.findIndex((l) => l.includes('"fn":16') && l.includes('"values":[300]'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.replace('"values":[300]', '"values":[301]');
    writeFileSync(copy, lines.join("\n"));

    const clock = new VirtualClock();
    const player = await ModbusCassettePlayer.load(copy);
    const failed = await eurothermScenario(eurotherm(player, clock)).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const line = at + 1;
    expect(failed).toBeInstanceOf(CassetteMismatchError);
    expect(failed?.message).toBe(
      `${copy}:${line}: the request differs from the cassette: ` +
        "expected write multiple registers (FC16) unit 1 at 0x0002 (2) of [301] " +
        "[01 10 00 02 00 01 02 01 2d], " +
        "got write multiple registers (FC16) unit 1 at 0x0002 (2) of [300] " +
        "[01 10 00 02 00 01 02 01 2c]",
    );
    expect(player.failure).toBe(failed);
  });
});
