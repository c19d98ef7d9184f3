// The serial port of a motor disappears in the middle of a scan (an unplugged adapter) and
// comes back powered up anew: the run ends with a clear error and every document already
// written stays valid on disk.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonlWriter, readJsonl } from "../../src/callbacks/index.js";
import { SimDetector, Smc100Emulator } from "../../sim/index.js";
import { realClock } from "../../src/core/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { scan } from "../../src/plans/index.js";
import { SerialTransport } from "../../src/transports/index.js";
import { Smc100Motor, smc100Channel } from "../../drivers/newport-smc100/index.js";
import { socat } from "../support/peers.js";
import { ptyPair } from "../support/pty-pair.js";

describe.skipIf(!socat().available)("a port that vanishes mid-scan", () => {
  it("fails the run naming the motor and keeps every document written", async () => {
    const pty = await ptyPair();
    const emulatorEnd = (): SerialTransport =>
      new SerialTransport({ path: pty.b, baudRate: 57600 });
    let emulator = new Smc100Emulator({ transport: emulatorEnd() });
    await emulator.start();
    const channel = smc100Channel(new SerialTransport({ path: pty.a, baudRate: 57600 }), {
      clock: realClock,
      timeout: 1,
    });
    const m1 = new Smc100Motor({
      name: "m1",
      clock: realClock,
      channel,
      homeOnConnect: true,
      pollPeriod: 0.02,
    });
    const i0 = new SimDetector({
      name: "i0",
      clock: realClock,
      exposure: 0.01,
      noise: { mean: 1, sd: 0 },
    });
    const file = join(mkdtempSync(join(tmpdir(), "hil-vanish-")), "run.jsonl");
    try {
      await m1.connect();
      const re = new RunEngine({ clock: realClock, log: () => undefined });
      let unplugged: Promise<void> | undefined;
      const unplugAfterThirdEvent = (name: string, doc: unknown): void => {
        if (name !== "event" || (doc as { seq_num: number }).seq_num !== 3 || unplugged) return;
        unplugged = (async () => {
          await pty.vanish();
          await emulator.close();
          await pty.restart();
          emulator = new Smc100Emulator({ transport: emulatorEnd() }); // powered up: NOT REFERENCED
          await emulator.start();
        })();
      };
      const writer = new JsonlWriter(file);
      const run = re.run(scan([i0], m1, 0, 0.9, 10), [writer.callback, unplugAfterThirdEvent]);
      const error = (await run.catch((e: unknown) => e)) as Error;
      await unplugged;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/m1|serial:/);
      const docs = readJsonl(file);
      const events = docs.filter(([name]) => name === "event");
      expect(events.length).toBeGreaterThanOrEqual(3);
      expect(events.length).toBeLessThan(10);
      expect(docs.at(-1)).toMatchObject([
        "stop",
        { exit_status: "fail", num_events: { primary: events.length } },
      ]);
    } finally {
      await m1.disconnect();
      await emulator.close();
      await pty.kill();
    }
  });
});
