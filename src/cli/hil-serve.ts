// `hil serve`: one RunEngine on a beamline, behind the queue server's HTTP API (with its
// web page and websockets), the dispatcher's websocket and the Scan Server's REST. Plans run
// in a forked worker, so a frozen plan can be killed without losing the queue.
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Environment } from "../server/index.js";
import {
  InProcessEnvironment,
  QueueManager,
  QueueStore,
  WorkerEnvironment,
  ScanService,
  catalogChecker,
  createQueueHttpServer,
  managerScanEngine,
  singleUserApiKey,
  startDispatcherServer,
  startScanServer,
  webPage,
  withScanItemChecker,
} from "../server/index.js";
import { DocumentOutlets } from "../callbacks/index.js";
import { loadConfig } from "../config/index.js";
import type { BeamlineEnvironmentOptions } from "./beamline-environment.js";
import { beamlineEnvironment, loadPlanCatalog } from "./beamline-environment.js";
import { closeOnSignal, drainOutlets } from "./drain-outlets.js";
import { outletsFromOptions } from "./outlet-options.js";
import { untilSignal } from "./until-signal.js";

const port = z.number().int().min(0).max(65535);
const optionsSchema = z.object({
  config: z.string(),
  profile: z.string().optional(),
  host: z.string().default("127.0.0.1"),
  port: port.default(60610),
  dispatcherPort: port.default(8765),
  scanServerPort: port.default(4810),
  out: z.string().default("out"),
  /** The queue's SQLite file; `<out>/queue.sqlite` by default. */
  db: z.string().optional(),
  plans: z.array(z.string()).default([]),
  clock: z.string().optional(),
  seed: z.number().int().default(0),
  /** Run plans in this process instead of a forked worker. */
  inProcess: z.boolean().default(false),
  /** Open the environment at start (commander's default for --no-open is true). */
  open: z.boolean().default(true),
  anonymousRead: z.boolean().default(false),
  zmq: z.string().optional(),
  zmqSerializer: z.string().optional(),
  kafka: z.string().optional(),
  kafkaTopic: z.string().optional(),
});

export type ServeCommandOptions = z.input<typeof optionsSchema>;

export async function serveCommand(raw: ServeCommandOptions): Promise<number> {
  const options = optionsSchema.parse(raw);
  mkdirSync(options.out, { recursive: true });
  const { metadata } = await loadConfig(options.config, { profile: options.profile });
  const outlets = DocumentOutlets.open(outletsFromOptions(options, metadata), {
    spoolRoot: join(options.out, "spool"),
  });
  const catalog = await loadPlanCatalog(options.plans);
  const environmentOptions: BeamlineEnvironmentOptions = {
    config: options.config,
    profile: options.profile,
    out: options.out,
    seed: options.seed,
    clock: options.clock,
    plans: options.plans,
  };
  const checker = withScanItemChecker(catalogChecker(catalog));
  const environment: Environment = options.inProcess
    ? new InProcessEnvironment(beamlineEnvironment(environmentOptions, catalog))
    : new WorkerEnvironment({ fork: () => forkWorker(environmentOptions), checker });
  const store = new QueueStore(options.db ?? join(options.out, "queue.sqlite"));
  const manager = new QueueManager({ store, environment, checker, outlets });
  manager.subscribe((event) => {
    if (event.kind === "environment" && event.event.kind === "console") {
      process.stdout.write(`${event.event.line}\n`);
    }
  });

  let apiKey = singleUserApiKey();
  if (apiKey === undefined) {
    apiKey = randomBytes(16).toString("hex");
    process.stdout.write(`hil serve: no HIL_API_KEY set; this run's key is ${apiKey}\n`);
  }
  const http = createQueueHttpServer({
    store,
    manager,
    apiKey,
    host: options.host,
    allowAnonymousRead: options.anonymousRead,
    plugins: [webPage()],
  });
  const closers: Array<() => Promise<void>> = [];
  try {
    const bound = await http.listen(options.port);
    closers.push(() => http.close());
    process.stdout.write(`hil serve: queue API on http://${bound.host}:${bound.port}/api\n`);
    process.stdout.write(
      `hil serve: web page on http://${bound.host}:${bound.port}/?api_key=${apiKey}\n`,
    );
    if (options.dispatcherPort !== 0) {
      const dispatcher = await startDispatcherServer({
        manager,
        history: store.history,
        host: options.host,
        port: options.dispatcherPort,
      });
      closers.push(() => dispatcher.close());
      process.stdout.write(`hil serve: dispatcher on ws://${options.host}:${dispatcher.port}\n`);
    }
    if (options.scanServerPort !== 0) {
      const service = new ScanService({
        engine: managerScanEngine({ manager }),
        idFile: join(options.out, "scan_server_id"),
        scanConfig: options.config,
      });
      const scanServer = await startScanServer({
        service,
        host: options.host,
        port: options.scanServerPort,
      });
      closers.push(async () => {
        await scanServer.close();
        service.close();
      });
      process.stdout.write(`hil serve: Scan Server on http://${options.host}:${scanServer.port}\n`);
    }
    for (const outlet of outlets.status()) {
      process.stdout.write(
        `hil serve: documents also to ${outlet.name} (${outlet.lossless ? "lossless" : "lossy"})\n`,
      );
    }
    if (options.open) {
      await manager.openEnvironment();
      const { plans = {}, devices = {} } = manager.allowed ?? {};
      process.stdout.write(
        `hil serve: environment open: ${Object.keys(plans).length} plans, ${Object.keys(devices).length} devices\n`,
      );
    }
    await untilSignal();
  } finally {
    process.stdout.write("hil serve: stopping\n");
    const release = closeOnSignal(outlets); // a second Ctrl-C: spool, do not wait
    try {
      for (const close of closers.reverse()) await close();
      if (environment.state !== "closed") await manager.destroyEnvironment();
    } finally {
      await drainOutlets(outlets, (text) => process.stdout.write(`hil serve: ${text}\n`));
      release();
      manager.close();
      store.close();
    }
  }
  return 0;
}

/** Forks this program as the environment worker, with the same loader (tsx in development). */
function forkWorker(options: BeamlineEnvironmentOptions) {
  const args = ["environment-worker", "--config", options.config, "--out", options.out];
  args.push("--seed", String(options.seed));
  if (options.profile !== undefined) args.push("--profile", options.profile);
  if (options.clock !== undefined) args.push("--clock", options.clock);
  for (const plan of options.plans) args.push("--plans", plan);
  return fork(process.argv[1]!, args, { execArgv: process.execArgv, stdio: "inherit" });
}
