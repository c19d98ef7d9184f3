// The SMC100 driver against test/cassettes/newport-smc100/move.jsonl, traffic recorded from
// the driver and the emulator (test/transports/cassette/record-fixtures.ts): no emulator here.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { CassetteMismatchError, CassettePlayer } from "../../../src/transports/index.js";
import {
  SMC100_CASSETTE,
  smc100Motor,
  smc100Scenario,
} from "../../transports/cassette/record-fixtures.js";

describe("Smc100Motor replaying move.jsonl", () => {
  it("connects, homes, moves, is stopped and refused exactly as recorded", async () => {
    const clock = new VirtualClock();
    const player = await CassettePlayer.load(SMC100_CASSETTE);
    const outcome = await smc100Scenario(smc100Motor(player, clock), clock);
    expect(outcome).toEqual({
      identity: { stage: "LTA-HS", firmware: "SMC_CC - Controller-driver version 3.0.2" },
      homed: 0,
      moved: 1,
      stopped: 1.9,
      stopError: "m1: move to 3 was stopped at 1.9",
      refusal:
        'm1 (SMC100 at cassette:move.jsonl, address 1): "1SL1" was refused: ' +
        "TE C (parameter missing or out of range)",
      state: "READY from MOVING",
    });
    // Every recorded request was asked for, in order, and nothing more.
    player.assertComplete();
    expect(player.skipped).toBe(0);
    // The motion took the recorded (virtual) time: homing, a 0.7 s move, a stopped one.
    expect(clock.now()).toBeCloseTo(2.04, 6);
  });

  it("fails at the request whose recorded bytes were edited, naming the cassette line", async () => {
    const copy = join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "move.jsonl");
    copyFileSync(SMC100_CASSETTE, copy);
    const lines = readFileSync(copy, "utf8").split("\n");
    // "1PA1\r\n" becomes "1PA2\r\n": one byte, in the hex and in its text.
    const at = lines.findIndex((l) => l.includes('"hex":"315041310d0a"'));
    expect(at).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('"text":"1PA1\\r\\n"'))).toHaveLength(1);
    lines[at] = lines[at]!.replace("315041310d0a", "315041320d0a").replace("1PA1\\r", "1PA2\\r");
    writeFileSync(copy, lines.join("\n"));

    const clock = new VirtualClock();
    const player = await CassettePlayer.load(copy);
    const failed = await smc100Scenario(smc100Motor(player, clock), clock).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const line = at + 1;
    expect(failed?.message).toContain(`${copy}:${line}: the request differs from the cassette`);
    const mismatch = player.failure;
    expect(mismatch).toBeInstanceOf(CassetteMismatchError);
    expect(mismatch).toMatchObject({
      code: "HIL_CASSETTE_MISMATCH",
      file: copy,
      line,
      expected: { text: '"1PA2\\r\\n"', hex: "31 50 41 32 0d 0a" },
      actual: { text: '"1PA1\\r\\n"', hex: "31 50 41 31 0d 0a" },
    });
    expect(mismatch?.message).toBe(
      `${copy}:${line}: the request differs from the cassette: ` +
        'expected "1PA2\\r\\n" [31 50 41 32 0d 0a], got "1PA1\\r\\n" [31 50 41 31 0d 0a]',
    );
  });
});
