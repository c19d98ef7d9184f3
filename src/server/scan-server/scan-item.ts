/**
 * A submitted scan as the plan item `scan_server_commands`, built where the devices are.
 * Its kwargs carry the scan as JSON (id, name, the numbered commands and the commands of
 * its includes as `<commands>` XML, the deadline); while it runs, the item's channel
 * carries the scan's progress out (the command that starts, work done, an expired
 * deadline) and the patched commands and `next` in.
 */
import { z } from "zod";
import type { Device, Plan } from "../../core/index.ts";
import type { JsonValue } from "../json-value.ts";
import type { ItemCheckerFactory, ItemChannel, PlanSource } from "../manager/index.ts";
import type { QueueItem } from "../queue/index.ts";
import { assignAddresses } from "./addresses.ts";
import { hasBody, type IncludeCommand, type ScanCommand } from "./commands.ts";
import { describeCommand } from "./describe.ts";
import { parseCommandsXml } from "./parse-commands.ts";
import { sampleValue, sampleValueText, type DeviceInfo } from "./replies.ts";
import { ScanDevices } from "./scan-devices.ts";
import { SCAN_PLAN_NAME, scanPlan } from "./scan-plan.ts";
import { simulateScan } from "./simulate-scan.ts";
import { writeCommandsXml } from "./write-commands.ts";

/** What the item's kwargs hold. */
export const scanItemSchema = z.object({
  scan_id: z.number().int(),
  scan_name: z.string(),
  /** The submitted commands, as the server writes them; numbered again on arrival. */
  commands: z.string(),
  /** The commands of each Include, in the order `includeOrder` visits them. */
  included: z.array(z.string()).default([]),
  /** Epoch ms by which the scan must end. */
  deadline: z.number().optional(),
});

/** Questions about a scan that the environment answers where the devices are. */
export const scanQuerySchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("scan_simulate"),
    commands: z.string(),
    included: z.array(z.string()).default([]),
  }),
  /** The devices' values now: these names, or every top-level device for null. */
  z.object({ type: z.literal("scan_devices"), names: z.array(z.string()).nullable() }),
]);

export const scanSimulationSchema = z.object({ log: z.string(), seconds: z.number() });

/** What the scan's plan sends while it runs. */
export const scanProgressSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("command"), address: z.number(), text: z.string() }),
  z.object({ type: z.literal("work"), units: z.number() }),
  z.object({ type: z.literal("expired"), reason: z.string() }),
]);
export type ScanProgressMessage = z.infer<typeof scanProgressSchema>;

/** What the scan's plan is sent while it runs. */
export const scanControlSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("commands"), commands: z.string() }),
  z.object({ type: z.literal("next") }),
]);
export type ScanControlMessage = z.infer<typeof scanControlSchema>;

export interface ScanItem {
  readonly id: number;
  readonly name: string;
  readonly commands: readonly ScanCommand[];
  readonly included: (include: IncludeCommand) => readonly ScanCommand[];
  readonly deadline?: number;
}

/** The Include commands in depth-first order, the commands of each Include after it. */
function includeOrder(
  commands: readonly ScanCommand[],
  included: (include: IncludeCommand) => readonly ScanCommand[],
): IncludeCommand[] {
  const found: IncludeCommand[] = [];
  const visit = (list: readonly ScanCommand[]): void => {
    for (const command of list) {
      if (command.type === "include") {
        found.push(command);
        visit(included(command));
      }
      if (hasBody(command)) visit(command.body);
    }
  };
  visit(commands);
  return found;
}

/** Numbered commands and the commands of their includes, as JSON carries them. */
export function scanCommandsJson(
  commands: readonly ScanCommand[],
  included: (include: IncludeCommand) => readonly ScanCommand[],
): { commands: string; included: string[] } {
  return {
    commands: writeCommandsXml(commands),
    included: includeOrder(commands, included).map((include) =>
      writeCommandsXml(included(include)),
    ),
  };
}

/** The kwargs of the item that runs `scan`. */
export function scanItemKwargs(scan: ScanItem): Record<string, JsonValue> {
  const kwargs: z.input<typeof scanItemSchema> = {
    scan_id: scan.id,
    scan_name: scan.name,
    ...scanCommandsJson(scan.commands, scan.included),
    ...(scan.deadline === undefined ? {} : { deadline: scan.deadline }),
  };
  return kwargs;
}

/** The submitted commands numbered again, as they were at submit. */
export function readScanCommands(xml: string): readonly ScanCommand[] {
  return assignAddresses(parseCommandsXml(xml));
}

/** The scan an item's kwargs describe; throws when they do not describe one. */
export function readScanItem(kwargs: Readonly<Record<string, unknown>>): ScanItem {
  const parsed = scanItemSchema.parse(kwargs);
  return {
    id: parsed.scan_id,
    name: parsed.scan_name,
    ...readCommandsJson(parsed),
    ...(parsed.deadline === undefined ? {} : { deadline: parsed.deadline }),
  };
}

/** The inverse of scanCommandsJson. */
function readCommandsJson(json: { commands: string; included: readonly string[] }): {
  commands: readonly ScanCommand[];
  included: (include: IncludeCommand) => readonly ScanCommand[];
} {
  const commands = readScanCommands(json.commands);
  const byAddress = new Map<number, readonly ScanCommand[]>();
  const byCommand = new Map<IncludeCommand, readonly ScanCommand[]>();
  let next = 0;
  const visit = (list: readonly ScanCommand[]): void => {
    for (const command of list) {
      if (command.type === "include") {
        const xml = json.included[next++];
        const body = xml === undefined ? [] : parseCommandsXml(xml);
        if (command.address >= 0) byAddress.set(command.address, body);
        else byCommand.set(command, body);
        visit(body);
      }
      if (hasBody(command)) visit(command.body);
    }
  };
  visit(commands);
  return {
    commands,
    included: (include) =>
      (include.address >= 0 ? byAddress.get(include.address) : byCommand.get(include)) ?? [],
  };
}

/** Answers a scan question (see scanQuerySchema) over `devices`. */
export async function answerScanQuery(
  request: z.infer<typeof scanQuerySchema>,
  devices: ScanDevices,
): Promise<JsonValue> {
  if (request.type === "scan_simulate") {
    const { commands, included } = readCommandsJson(request);
    const { log, seconds } = await simulateScan(commands, { devices, included });
    return { log, seconds };
  }
  const names = request.names ?? devices.names();
  const infos: DeviceInfo[] = await Promise.all(
    names.map(async (name) => {
      if (!devices.has(name)) return { name, alias: name, status: "no PV" };
      try {
        const readings = await devices.get(name).watched.read();
        const reading = readings[name] ?? Object.values(readings)[0];
        const value = reading?.value;
        const status = value === undefined ? "" : sampleValueText(sampleValue(value));
        return { name, alias: name, status };
      } catch (error) {
        return { name, alias: name, status: (error as Error).message };
      }
    }),
  );
  return infos.map((info) => ({ name: info.name, alias: info.alias, status: info.status ?? "" }));
}

function scanItemProblem(item: QueueItem): string | undefined {
  if (item.args.length > 0) return `${SCAN_PLAN_NAME} takes no positional arguments`;
  try {
    readScanItem(item.kwargs);
    return undefined;
  } catch (error) {
    return `${SCAN_PLAN_NAME}: ${(error as Error).message}`;
  }
}

/** The plan of a scan item: the scan's plan over `devices`, followed through `channel`. */
export function scanItemPlan(
  item: QueueItem,
  channel: ItemChannel,
  options: ScanItemPlansOptions,
): Plan<void> {
  const scan = readScanItem(item.kwargs);
  let commands = scan.commands;
  let next = signal();
  const stop = channel.onMessage((raw) => {
    const parsed = scanControlSchema.safeParse(raw);
    if (!parsed.success) return;
    if (parsed.data.type === "commands") commands = readScanCommands(parsed.data.commands);
    else {
      const { resolve } = next;
      next = signal();
      resolve();
    }
  });
  const send = (message: ScanProgressMessage): void => channel.send(message);
  const plan = scanPlan({
    id: scan.id,
    name: scan.name,
    devices: new ScanDevices(options.devices()),
    commands: () => commands,
    included: scan.included,
    progress: {
      command: (command) =>
        send({ type: "command", address: command.address, text: describeCommand(command) }),
      workDone: (units) => send({ type: "work", units }),
      next: () => next.promise,
      expired: () => {
        if (scan.deadline === undefined || options.now() <= scan.deadline) return undefined;
        const reason = "Aborted (deadline/timeout)";
        send({ type: "expired", reason });
        return reason;
      },
    },
  });
  function* followed(): Plan<void> {
    try {
      yield* plan;
    } finally {
      stop();
      next.resolve();
    }
  }
  return followed();
}

export interface ScanItemPlansOptions {
  /** The environment's devices, which scans name. */
  readonly devices: () => Iterable<Device>;
  /** Epoch ms now, on the environment's clock: what a deadline is checked against. */
  readonly now: () => number;
}

/** `base` with the item `scan_server_commands` added: a scan run where the devices are. */
export function withScanItems(base: PlanSource, options: ScanItemPlansOptions): PlanSource {
  return {
    allowed: {
      plans: {
        ...base.allowed.plans,
        [SCAN_PLAN_NAME]: {
          name: SCAN_PLAN_NAME,
          description: "A scan submitted to the Scan Server face",
        },
      },
      devices: base.allowed.devices,
    },
    check: (item) => (item.name === SCAN_PLAN_NAME ? scanItemProblem(item) : base.check(item)),
    build: (item, channel) =>
      item.name === SCAN_PLAN_NAME
        ? scanItemPlan(item, channel, options)
        : base.build(item, channel),
    query: async (request) => {
      const parsed = scanQuerySchema.safeParse(request);
      if (parsed.success) return answerScanQuery(parsed.data, new ScanDevices(options.devices()));
      if (base.query !== undefined) return base.query(request);
      throw new Error(`unknown question ${JSON.stringify(request)}`);
    },
  };
}

/** `checker` that also takes scan items: what the manager checks with while plans run in a worker. */
export function withScanItemChecker(checker: ItemCheckerFactory): ItemCheckerFactory {
  return (allowed) => {
    const check = checker(allowed);
    return (item) => (item.name === SCAN_PLAN_NAME ? scanItemProblem(item) : check(item));
  };
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
