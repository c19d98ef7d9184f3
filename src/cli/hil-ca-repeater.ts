// `hil ca-repeater`: this host's Channel Access repeater, as EPICS base's caRepeater. Servers
// send beacons to its port; it hands them to every client on the host that registered, so a
// client notices a restarted server at once instead of on its next search.
import { CaEnvironmentError, CaRepeater, readClientEnvironment } from "../ca/index.js";
import { UsageError } from "./usage-error.js";
import { untilSignal } from "./until-signal.js";

export interface CaRepeaterCommandOptions {
  /** UDP port (default EPICS_CA_REPEATER_PORT, 5065). */
  port?: number;
}

/** Runs the repeater until Ctrl-C or SIGTERM; exits at once if another one has the port. */
export async function caRepeaterCommand({ port }: CaRepeaterCommandOptions): Promise<number> {
  let wanted: number;
  try {
    wanted = port ?? readClientEnvironment().repeaterPort;
  } catch (error) {
    if (error instanceof CaEnvironmentError) throw new UsageError(error.message);
    throw error;
  }
  const repeater = new CaRepeater({ port: wanted, log: (line) => console.error(line) });
  try {
    await repeater.start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    // One repeater per host is the point: the one already there serves everybody.
    console.log(`a CA repeater already has UDP port ${wanted}`);
    return 0;
  }
  console.log(`CA repeater on UDP port ${repeater.port}; Ctrl-C stops it.`);
  await untilSignal();
  await repeater.close();
  return 0;
}
