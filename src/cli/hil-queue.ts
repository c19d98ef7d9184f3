// `hil queue`: a queue server's client from the shell (add, start, stop, status, history,
// pause, resume, env). The client loads when a command runs, not when `hil` starts.
import type { Command } from "commander";
import { Argument, InvalidArgumentError } from "commander";
import type {
  HistoryGetReply,
  JsonValue,
  Position,
  QueueClient,
  QueueGetReply,
  StatusReply,
} from "../client/index.js";

interface Connection {
  url?: string;
  apiKey?: string;
}

const EXIT_REFUSED = 1;

/** A plan argument: a JSON value when it reads as one, else the text itself. */
export function planArgument(text: string): JsonValue {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function kwargsOption(text: string): Record<string, JsonValue> {
  let value: JsonValue;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`not JSON: ${text}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError("expected a JSON object, e.g. '{\"num\": 3}'");
  }
  // Parsed JSON holds no undefined values.
  return value as Record<string, JsonValue>;
}

function positionOption(text: string): Position {
  if (text === "front" || text === "back") return text;
  const index = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(index)) {
    throw new InvalidArgumentError('expected "front", "back" or an index');
  }
  return index;
}

function countOption(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError("expected a whole number > 0");
  }
  return value;
}

/** Registers `hil queue <command>` on the program. */
export function addQueueCommands(program: Command): void {
  const queue = program
    .command("queue")
    .description("drive a queue server over its HTTP API (bluesky-httpserver's routes)");
  const connected = (command: Command): Command =>
    command
      .option("--url <url>", "the queue server (default: http://127.0.0.1:60610)")
      .option("--api-key <key>", "API key (default: $HIL_API_KEY)");

  connected(
    queue
      .command("add")
      .description(
        "add a plan to the queue, e.g. hil queue add count '[\"det\"]' --kwargs '{\"num\": 3}'",
      )
      .argument("<plan>", "the plan's name")
      .argument("[args...]", "its arguments: JSON values, or text when not JSON")
      .option("--kwargs <json>", "its keyword arguments as a JSON object", kwargsOption)
      .option("--pos <pos>", "where: front, back (default) or an index", positionOption),
  ).action(
    async (
      plan: string,
      args: string[],
      options: Connection & { kwargs?: Record<string, JsonValue>; pos?: Position },
    ) => {
      process.exitCode = await withClient("add", options, async (client) => {
        const item = {
          item_type: "plan" as const,
          name: plan,
          args: args.map(planArgument),
          ...(options.kwargs === undefined ? {} : { kwargs: options.kwargs }),
        };
        const added = await client.add(item, options.pos === undefined ? {} : { pos: options.pos });
        console.log(
          `added ${added.item.name} as ${added.item.item_uid}; ${plural(added.qsize, "item")} in the queue`,
        );
      });
    },
  );

  connected(queue.command("start").description("start running the queue")).action(
    async (options: Connection) => {
      process.exitCode = await withClient("start", options, async (client) => {
        await client.start();
        console.log("queue started");
      });
    },
  );

  connected(
    queue.command("stop").description("stop the queue once the running item has ended"),
  ).action(async (options: Connection) => {
    process.exitCode = await withClient("stop", options, async (client) => {
      await client.stop();
      console.log("the queue stops when the running item ends");
    });
  });

  connected(
    queue
      .command("status")
      .description("the manager's and the RunEngine's states, the queue and history"),
  ).action(async (options: Connection) => {
    process.exitCode = await withClient("status", options, async (client) => {
      const [status, queued] = await Promise.all([client.status(), client.queueGet()]);
      console.log(statusSummary(status, queued));
    });
  });

  connected(
    queue
      .command("history")
      .description("the finished items: plan, exit status, runs and times")
      .option("--last <n>", "only the newest n items", countOption),
  ).action(async (options: Connection & { last?: number }) => {
    process.exitCode = await withClient("history", options, async (client) => {
      console.log(historyTable(await client.historyGet(), options.last));
    });
  });

  connected(
    queue
      .command("pause")
      .description("pause the running plan at its next checkpoint")
      .option("--immediate", "pause at once; resuming replays from the last checkpoint"),
  ).action(async (options: Connection & { immediate?: boolean }) => {
    process.exitCode = await withClient("pause", options, async (client) => {
      const option = options.immediate ? "immediate" : "deferred";
      await client.pause(option);
      console.log(`pause requested (${option})`);
    });
  });

  connected(queue.command("resume").description("resume the paused plan")).action(
    async (options: Connection) => {
      process.exitCode = await withClient("resume", options, async (client) => {
        await client.resume();
        console.log("resumed");
      });
    },
  );

  const environmentActions = {
    open: ["environmentOpen", "environment open"],
    close: ["environmentClose", "environment closed"],
    destroy: ["environmentDestroy", "environment destroyed"],
  } as const;
  connected(
    queue
      .command("env")
      .description("open, close or destroy the environment where plans run")
      .addArgument(new Argument("<action>").choices(Object.keys(environmentActions))),
  ).action(async (action: keyof typeof environmentActions, options: Connection) => {
    process.exitCode = await withClient(`env ${action}`, options, async (client) => {
      const [method, done] = environmentActions[action];
      await client[method]();
      console.log(done);
    });
  });
}

/** Runs `act` with a client; a refusal prints the server's msg and gives exit code 1. */
async function withClient(
  name: string,
  { url, apiKey }: Connection,
  act: (client: QueueClient) => Promise<void>,
): Promise<number> {
  const { QueueClient, QueueClientError } = await import("../client/index.js");
  const envKey = process.env.HIL_API_KEY;
  const client = new QueueClient({
    url,
    apiKey: apiKey ?? (envKey === "" ? undefined : envKey),
  });
  try {
    await act(client);
    return 0;
  } catch (error) {
    if (!(error instanceof QueueClientError)) throw error;
    const status =
      error.status === undefined || error.status === 200 ? "" : ` (HTTP ${error.status})`;
    console.error(`hil queue ${name}: ${error.message}${status}`);
    return EXIT_REFUSED;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A few lines: states, sizes, what runs. */
export function statusSummary(status: StatusReply, queued: QueueGetReply): string {
  const flags = [
    `autostart ${status.queue_autostart_enabled ? "on" : "off"}`,
    ...(status.queue_stop_pending ? ["stop pending"] : []),
    ...(status.pause_pending ? ["pause pending"] : []),
  ];
  const locked = [
    ...(status.lock.queue ? ["queue"] : []),
    ...(status.lock.environment ? ["environment"] : []),
  ];
  const running = queued.running_item;
  return [
    `manager: ${status.manager_state}, RE: ${status.re_state ?? "none"}, environment: ${status.worker_environment_state}`,
    `queue: ${plural(status.items_in_queue, "item")}, history: ${plural(status.items_in_history, "item")}, ${flags.join(", ")}`,
    `running: ${running ? `${running.name} (${running.item_uid})` : "nothing"}`,
    ...(locked.length > 0 ? [`locked: ${locked.join(" and ")}`] : []),
    ...(status.data_out ?? []).map(outletLine),
  ].join("\n");
}

/** One outlet of the served documents: how many went, how many wait, how many were lost. */
function outletLine(outlet: NonNullable<StatusReply["data_out"]>[number]): string {
  const counts = [`${outlet.sent} sent`];
  if (outlet.lossless) counts.push(`${outlet.pending} waiting (${outlet.spooled} spooled)`);
  counts.push(`${outlet.dropped} dropped`);
  const error = outlet.last_error === null ? "" : `; last error: ${outlet.last_error}`;
  return `documents to ${outlet.name} (${outlet.lossless ? "lossless" : "lossy"}): ${counts.join(", ")}${error}`;
}

/** The history as a table, oldest first; `last` keeps only the newest items. */
export function historyTable(history: HistoryGetReply, last?: number): string {
  const items = last === undefined ? history.items : history.items.slice(-last);
  if (items.length === 0) return "the history is empty";
  const rows = items.map((item) => [
    item.name,
    item.result.exit_status,
    item.result.run_uids.map((uid) => uid.slice(0, 8)).join(",") || "-",
    localTime(item.result.time_start),
    localTime(item.result.time_stop),
  ]);
  const header = ["plan", "exit status", "run uids", "started", "stopped"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function localTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
