// The Lake Shore 336 driver against test/cassettes/lakeshore-336/ramp-and-set.jsonl, traffic
// recorded from the driver and the emulator (test/transports/cassette/record-fixtures.ts): no
// emulator here.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { CassetteMismatchError, CassettePlayer } from "../../../src/transports/index.js";
import { LAKESHORE336_LINE, LakeShore336Error } from "../../../drivers/lakeshore-336/index.js";
import {
  LAKESHORE336_CASSETTE,
  lakeshore336,
  lakeshore336Scenario,
} from "../../transports/cassette/record-fixtures.js";

const replay = { lineEnd: LAKESHORE336_LINE.commandTerminator };

describe("LakeShore336 replaying ramp-and-set.jsonl", () => {
  it("connects, reads, ramps, settles, writes a gain and is refused exactly as recorded", async () => {
    const clock = new VirtualClock();
    const player = await CassettePlayer.load(LAKESHORE336_CASSETTE, replay);
    const outcome = await lakeshore336Scenario(lakeshore336(player, clock), clock);
    expect(outcome).toEqual({
      identity: {
        manufacturer: "LSCI",
        model: "MODEL336",
        serial: "1234567/1234567",
        firmware: "2.9",
      },
      reading: { tc1: 77, tc1_setpoint: 77, tc1_heater: 0, tc1_ramping: false },
      configuration: {
        tc1_ramp_rate: 0,
        tc1_range: "Medium",
        tc1_proportional: 50,
        tc1_integral: 20,
        tc1_derivative: 0,
        tc1_tolerance: 0.1,
        tc1_settle_time: 2,
      },
      rampingDuringSet: true,
      settledAt: 84.9833,
      setpoint: 85,
      integral: 25,
      refusal:
        'tc1 (Lake Shore 336 at cassette:ramp-and-set.jsonl): "SETP 1,-5;*ESR?" was refused: ' +
        "*ESR? 16 (execution error: a parameter out of range)",
    });
    // Every recorded request was asked for, in order, and nothing more.
    player.assertComplete();
    expect(player.skipped).toBe(0);
  });

  it("fails at the request whose recorded bytes were edited, naming the cassette line", async () => {
    const copy = join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "ramp-and-set.jsonl");
    copyFileSync(LAKESHORE336_CASSETTE, copy);
    const lines = readFileSync(copy, "utf8").split("\n");
    // "SETP 1,85;*ESR?\n" becomes "SETP 1,86;*ESR?\n": one byte, in the hex and in its text.
    const at = lines.findIndex((l) => l.includes('"text":"SETP 1,85;*ESR?\\n"'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.replace("2c38353b", "2c38363b").replace("SETP 1,85;", "SETP 1,86;");
    writeFileSync(copy, lines.join("\n"));

    const clock = new VirtualClock();
    const player = await CassettePlayer.load(copy, replay);
    const failed = await lakeshore336Scenario(lakeshore336(player, clock), clock).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const line = at + 1;
    expect(failed).toBeDefined();
    expect(failed).not.toBeInstanceOf(LakeShore336Error);
    expect(failed?.message).toContain(`${copy}:${line}: the request differs from the cassette`);
    expect(player.failure).toBeInstanceOf(CassetteMismatchError);
    expect(player.failure).toMatchObject({ file: copy, line });
  });
});
