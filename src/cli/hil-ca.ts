// `hil caget` and `hil camonitor`: EPICS base's caget and camonitor with their default
// output, on the project's own CA client, for whoever has no EPICS base installed.
import { z } from "zod";
import {
  CaClient,
  CaStatusError,
  CaTimeoutError,
  ECA,
  type CaChannel,
  type CaSubscription,
  type DbrData,
  type DbrType,
} from "../ca/index.js";
import {
  camonitorLine,
  cagetLine,
  disconnectedLine,
  nameColumn,
  notFoundLine,
  toolRequestType,
} from "./hil-ca-format.js";
import { untilSignal } from "./until-signal.js";

const optionsSchema = z.object({
  /** Seconds to wait for the connections, and then for the replies (caget's -w; 1 s). */
  timeout: z.number().positive().finite().default(1),
});

export type CaToolOptions = z.input<typeof optionsSchema>;

/** Where the lines go (stdout, stderr by default), and the EPICS_CA_* variables to use. */
export interface CaToolOutput {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
}

const processOutput: CaToolOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

const pvsSchema = z.array(z.string().min(1)).min(1);

/**
 * Reads each PV once and prints it as caget does. Any PV unanswered within the timeout:
 * caget's message on stderr, nothing on stdout, exit code 1.
 */
export async function cagetCommand(
  pvs: readonly string[],
  raw: CaToolOptions,
  output: CaToolOutput = processOutput,
): Promise<number> {
  const names = pvsSchema.parse(pvs);
  const { timeout } = optionsSchema.parse(raw);
  const client = new CaClient({ env: output.env, timeout });
  try {
    const channels = names.map((name) => client.channel(name));
    const connected = await Promise.all(
      channels.map((channel) =>
        channel.connected(timeout).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (connected.includes(false)) {
      output.err(
        names.length > 1
          ? "Channel connect timed out: some PV(s) not found."
          : `Channel connect timed out: '${names[0]}' not found.`,
      );
      return 1;
    }
    const replies = await Promise.all(channels.map((channel) => read(channel, timeout)));
    if (replies.some((reply) => reply === "timeout")) {
      output.err("Read operation timed out: some PV data was not read.");
    }
    replies.forEach((reply, i) => {
      const channel = channels[i]!;
      output.out(
        typeof reply === "string"
          ? nameColumn(channel.name, channel.nativeCount ?? 1) + failure(reply)
          : cagetLine(channel.name, reply),
      );
    });
    return 0;
  } finally {
    await client.close();
  }
}

/** The whole native length (caget asks for that, not the current length), as the tools' type. */
async function read(channel: CaChannel, timeout: number): Promise<DbrData | string> {
  try {
    return await channel.get({
      type: toolRequestType(channel.nativeType!),
      count: channel.nativeCount,
      timeout,
    });
  } catch (error) {
    if (error instanceof CaTimeoutError) return "timeout";
    if (error instanceof CaStatusError) {
      return error.ecaStatus === ECA.NORDACCESS ? "no read access" : error.ecaName;
    }
    return error instanceof Error ? error.message : String(error);
  }
}

function failure(reason: string): string {
  if (reason === "timeout") return "*** no data available (timeout)";
  if (reason === "no read access") return "*** no read access";
  return `*** CA error ${reason}`;
}

/**
 * Prints every update of each PV as camonitor does until SIGINT or SIGTERM (or `stop`);
 * names unanswered after the timeout get camonitor's "Not connected" line, and are still
 * watched.
 */
export async function camonitorCommand(
  pvs: readonly string[],
  raw: CaToolOptions,
  output: CaToolOutput = processOutput,
  stop: Promise<void> = untilSignal(),
): Promise<number> {
  const names = pvsSchema.parse(pvs);
  const { timeout } = optionsSchema.parse(raw);
  const client = new CaClient({ env: output.env, timeout });
  const watches = names.map((name) => watch(client.channel(name), output.out));
  const notFound = setTimeout(() => {
    for (const w of watches) if (!w.onceConnected()) output.out(notFoundLine(w.name));
  }, timeout * 1000);
  await stop;
  clearTimeout(notFound);
  await client.close();
  return 0;
}

interface Watch {
  name: string;
  onceConnected: () => boolean;
}

/** One PV of camonitor: subscribed at its first connection, again if its type changes. */
function watch(channel: CaChannel, out: (line: string) => void): Watch {
  let subscription: CaSubscription | undefined;
  let type: DbrType | undefined;
  // camonitor pads the name by the last count it saw: the native one, then each update's.
  let elements = 1;
  channel.on("connect", (info) => {
    const wanted = toolRequestType(info.nativeType);
    if (wanted === type) return;
    elements = info.nativeCount;
    subscription?.cancel();
    type = wanted;
    subscription = channel.monitor({ type: wanted, onError: () => undefined }, (data) => {
      elements = data.value.length;
      out(camonitorLine(channel.name, data));
    });
  });
  channel.on("disconnect", () => out(disconnectedLine(channel.name, elements, nowMs())));
  return { name: channel.name, onceConnected: () => type !== undefined };
}

/** The wall clock to the microsecond, as camonitor stamps a disconnection. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
