// The Keithley 6485 driver against test/cassettes/keithley-6485/read.jsonl, traffic recorded
// from the driver and the emulator (test/transports/cassette/record-fixtures.ts): no emulator here.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { CassetteMismatchError, CassettePlayer } from "../../../src/transports/index.js";
import { KEITHLEY6485_LINE, Keithley6485Error } from "../../../drivers/keithley-6485/index.js";
import {
  KEITHLEY6485_CASSETTE,
  keithley6485,
  keithley6485Scenario,
} from "../../transports/cassette/record-fixtures.js";

/** Commands end in CR alone: the player must split requests there, not at LF. */
const replay = { lineEnd: KEITHLEY6485_LINE.commandTerminator };

describe("Keithley6485 replaying read.jsonl", () => {
  it("connects, configures, triggers, reads and is refused exactly as recorded", async () => {
    const clock = new VirtualClock();
    const player = await CassettePlayer.load(KEITHLEY6485_CASSETTE, replay);
    const outcome = await keithley6485Scenario(keithley6485(player, clock));
    expect(outcome).toEqual({
      identity: {
        manufacturer: "KEITHLEY INSTRUMENTS INC.",
        model: "MODEL 6485",
        serial: "1234567",
        firmware: "C01",
      },
      connected: { range: 2e-8, autorange: false, nplc: 1 },
      changed: { range: 2e-7, autorange: false, nplc: 0.5 },
      readings: [5.01e-9, 5.025e-9],
      refusal:
        'det (Keithley 6485 at cassette:read.jsonl): "NPLC 7" was refused: ' +
        '-222 "Data out of range"',
    });
    // Every recorded request was asked for, in order, and nothing more.
    player.assertComplete();
    expect(player.skipped).toBe(0);
  });

  it("fails at the request whose recorded bytes were edited, naming the cassette line", async () => {
    const copy = join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "read.jsonl");
    copyFileSync(KEITHLEY6485_CASSETTE, copy);
    const lines = readFileSync(copy, "utf8").split("\n");
    // "NPLC 0.5\r" becomes "NPLC 0.6\r": one byte, in the hex and in its text.
    const at = lines.findIndex((l) => l.includes('"hex":"4e504c4320302e350d"'));
    expect(at).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('"text":"NPLC 0.5\\r"'))).toHaveLength(1);
    lines[at] = lines[at]!.replace("4e504c4320302e350d", "4e504c4320302e360d").replace(
      "NPLC 0.5\\r",
      "NPLC 0.6\\r",
    );
    writeFileSync(copy, lines.join("\n"));

    const clock = new VirtualClock();
    const player = await CassettePlayer.load(copy, replay);
    const failed = await keithley6485Scenario(keithley6485(player, clock)).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const line = at + 1;
    expect(failed).toBeDefined();
    expect(failed).not.toBeInstanceOf(Keithley6485Error);
    expect(failed?.message).toContain(`${copy}:${line}: the request differs from the cassette`);
    const mismatch = player.failure;
    expect(mismatch).toBeInstanceOf(CassetteMismatchError);
    expect(mismatch).toMatchObject({
      code: "HIL_CASSETTE_MISMATCH",
      file: copy,
      line,
      expected: { text: '"NPLC 0.6\\r"', hex: "4e 50 4c 43 20 30 2e 36 0d" },
      actual: { text: '"NPLC 0.5\\r"', hex: "4e 50 4c 43 20 30 2e 35 0d" },
    });
    expect(mismatch?.message).toBe(
      `${copy}:${line}: the request differs from the cassette: ` +
        'expected "NPLC 0.6\\r" [4e 50 4c 43 20 30 2e 36 0d], ' +
        'got "NPLC 0.5\\r" [4e 50 4c 43 20 30 2e 35 0d]',
    );
  });
});
