// `hil replay <cassette>`: builds the device a `hil record` cassette names, on a player of
// that cassette instead of its port, runs the same check on a virtual clock, and checks that
// the driver asked for every recorded request, in order. No instrument is needed.
import { VirtualClock } from "../core/index.js";
import {
  CassetteFormatError,
  CassettePlayer,
  ModbusCassettePlayer,
  loadCassette,
} from "../transports/index.js";
import type { CassetteDevice, CommandOutput } from "./hil-record.js";
import { cassetteDriver, recordedDeviceSchema, runCheck } from "./hil-record.js";

export interface ReplayCommandOptions extends CommandOutput {
  /**
   * true (default): every request must be the next recorded one. false: requests that differ
   * skip ahead to the next recorded one that matches (for a driver that polls more or less).
   */
  strict?: boolean;
  /** Seconds, on the virtual clock, the device may take to connect (default 10). */
  connectTimeout?: number;
}

/**
 * `hil replay`: returns 0 when the driver replayed the whole cassette, 1 when it asked for
 * something else (the message names the cassette line). A cassette that cannot be read, or
 * was not made by `hil record`, throws a HilError (a usage problem: nothing was run).
 */
export async function replayCommand(
  cassette: string,
  options: ReplayCommandOptions = {},
): Promise<number> {
  const { strict = true, connectTimeout = 10 } = options;
  const print = options.out ?? ((line: string) => console.log(line));
  const complain = options.err ?? ((line: string) => console.error(line));
  const loaded = await loadCassette(cassette);
  const parsed = recordedDeviceSchema.safeParse(loaded.header.meta?.device);
  if (!parsed.success) {
    throw new CassetteFormatError(
      cassette,
      1,
      "was not made by hil record: its header names no device (meta.device) to build, so " +
        "replay it in a test with a CassettePlayer or ModbusCassettePlayer",
    );
  }
  const recorded = parsed.data;
  const driver = cassetteDriver(recorded.driver, cassette);
  if (driver.kind !== loaded.kind) {
    throw new CassetteFormatError(
      cassette,
      1,
      `a ${loaded.kind} cassette, but ${recorded.driver} talks ${driver.kind}`,
    );
  }
  const clock = new VirtualClock();
  let player: CassettePlayer | ModbusCassettePlayer;
  let built: CassetteDevice;
  if (driver.kind === "bytes") {
    const bytes = new CassettePlayer(loaded, { strict });
    player = bytes;
    built = driver.build(recorded, bytes, clock);
  } else {
    const modbus = new ModbusCassettePlayer(loaded, { strict });
    player = modbus;
    built = driver.build(recorded, modbus, clock);
  }
  try {
    await runCheck(built.device, connectTimeout, print);
    player.assertComplete();
    const skipped = player.skipped > 0 ? ` (${player.skipped} requests skipped)` : "";
    print(`replayed ${cassette}: ${recorded.name} made every recorded request${skipped}`);
    return 0;
  } catch (error) {
    // The player's own failure names the cassette line; the driver's error only wraps it.
    const failure = player.failure ?? (error as Error);
    complain(`hil replay: ${failure.message}`);
    const reported = error instanceof Error ? error.message : String(error);
    if (!reported.includes(failure.message)) complain(`(${recorded.name}: ${reported})`);
    return 1;
  } finally {
    await built.close().catch(() => undefined);
  }
}
