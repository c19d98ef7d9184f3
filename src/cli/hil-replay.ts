// `hil replay <cassette>`: builds the device a `hil record` cassette names, with the config's
// build handing its driver a player of that cassette instead of its port, runs the same check
// on a virtual clock, and checks that the driver asked for every recorded request, in order.
// No instrument is needed.
import type { Device } from "../core/index.js";
import { VirtualClock } from "../core/index.js";
import type { LinkHook } from "../config/index.js";
import { buildDevice, driverRegistry } from "../config/index.js";
import {
  CassetteFormatError,
  CassettePlayer,
  ModbusCassettePlayer,
  loadCassette,
} from "../transports/index.js";
import type { CommandOutput, RecordedDevice } from "./hil-record.js";
import { closeAll, recordableKind, recordedDeviceSchema, runCheck } from "./hil-record.js";
import { UsageError } from "./usage-error.js";

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
  const kind = recordableKind(recorded, cassette);
  if (kind !== loaded.kind) {
    throw new CassetteFormatError(
      cassette,
      1,
      `a ${loaded.kind} cassette, but ${recorded.driver} on ${recorded.transport.type} talks ${kind}`,
    );
  }
  const players: Array<CassettePlayer | ModbusCassettePlayer> = [];
  /** The cassette holds one link's traffic: a second link would have nothing to play. */
  const only = <P extends CassettePlayer | ModbusCassettePlayer>(player: P): P => {
    if (players.length > 0) {
      throw new Error(`${cassette} holds one link, and ${recorded.name} asked for two`);
    }
    players.push(player);
    return player;
  };
  const replaying: LinkHook = {
    bytes: ({ lineEnd }) => only(new CassettePlayer(loaded, { strict, lineEnd })),
    modbus: () => only(new ModbusCassettePlayer(loaded, { strict })),
  };
  const built = await buildRecorded(cassette, recorded, replaying, new VirtualClock());
  const [played] = players;
  if (!played) {
    await closeAll(built, []);
    throw new UsageError(
      `${cassette}: ${recorded.name} asked for no link to replay the cassette on`,
    );
  }
  try {
    await runCheck(built, connectTimeout, print);
    played.assertComplete();
    const skipped = played.skipped > 0 ? ` (${played.skipped} requests skipped)` : "";
    print(`replayed ${cassette}: ${recorded.name} made every recorded request${skipped}`);
    return 0;
  } catch (error) {
    // The player's own failure names the cassette line; the driver's error only wraps it.
    const failure = played.failure ?? (error as Error);
    complain(`hil replay: ${failure.message}`);
    const reported = error instanceof Error ? error.message : String(error);
    if (!reported.includes(failure.message)) complain(`(${recorded.name}: ${reported})`);
    return 1;
  } finally {
    await closeAll(built, [played]);
  }
}

/**
 * The recorded device, built by its config driver on the replaying links. Its parameters come
 * from the cassette, so the driver's schema checks them again; nothing has run if this fails.
 */
async function buildRecorded(
  cassette: string,
  recorded: RecordedDevice,
  links: LinkHook,
  clock: VirtualClock,
): Promise<Device> {
  const what = `${cassette}: ${recorded.name}`;
  const spec = driverRegistry.get(recorded.driver);
  if (!spec)
    throw new UsageError(`${what}: ${driverRegistry.unknownDriverMessage(recorded.driver)}`);
  const parsed = spec.params.safeParse(recorded.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") ?? "";
    throw new UsageError(
      `${what} (${recorded.driver}): bad parameters: ${path ? `${path}: ` : ""}${issue?.message}`,
    );
  }
  try {
    return await buildDevice({ ...recorded, params: parsed.data }, { clock, links });
  } catch (error) {
    throw new UsageError(`${what} cannot be built: ${(error as Error).message}`);
  }
}
