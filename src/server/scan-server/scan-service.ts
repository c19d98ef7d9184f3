/**
 * The Scan Server's scan list over the server's one RunEngine: scans submitted as command
 * lists get ids, run one after another as plans (or at once when not queued and the engine
 * is free), report their state, work units and active command, collect their logged
 * samples from their event documents, and can be paused, resumed, aborted, cut short,
 * reordered, patched and deleted.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { getHeapStatistics } from "node:v8";
import { z } from "zod";
import { unpackEventPage, type Event, type NamedDocument } from "../../core/index.ts";
import { assignAddresses, totalWorkUnits } from "./addresses.ts";
import { findRefused, hasBody, type IncludeCommand, type ScanCommand } from "./commands.ts";
import { ScanPatchError, ScanXmlError } from "./errors.ts";
import { parseCommandsXml } from "./parse-commands.ts";
import { applyPatch, parsePatchXml } from "./patch.ts";
import {
  deviceInfoSchema,
  isDoneState,
  sampleValue,
  type DeviceInfo,
  type ScanInfo,
  type ScanSample,
  type ScanState,
  type ServerInfo,
} from "./replies.ts";
import type { ScanEngine, ScanRun, ScanRunEnd } from "./scan-engine.ts";
import {
  scanCommandsJson,
  scanItemKwargs,
  scanProgressSchema,
  scanSimulationSchema,
} from "./scan-item.ts";
import { loggedNames, usedNames } from "./scan-plan.ts";
import type { ScanSimulation } from "./simulate-scan.ts";
import { writeCommandsXml } from "./write-commands.ts";

/** The Scan Server protocol version this face answers as. */
export const SCAN_SERVER_VERSION = "4.7.0";

/** A request about scans that cannot be carried out; the message is the server's wording. */
export class ScanRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScanRequestError";
  }
}

export interface ScanServiceOptions {
  readonly engine: ScanEngine;
  /** Epoch ms now; Date.now by default. */
  readonly now?: () => number;
  /** The folder of scan files an Include may name; without it, Include is refused. */
  readonly scanFolder?: string;
  /** Keeps the last scan id, so ids go on after a restart. */
  readonly idFile?: string;
  /** What `<scan_config>` of the server info shows. */
  readonly scanConfig?: string;
  readonly macros?: string;
}

export interface SubmitOptions {
  /** False: start at once, which needs the engine free. */
  readonly queue?: boolean;
  /** Seconds the scan may run; 0 or absent for no limit. */
  readonly timeout?: number;
  /** Epoch ms by which the scan must have ended; one already past aborts it at once. */
  readonly deadline?: number;
}

interface Scan {
  readonly id: number;
  readonly name: string;
  readonly created: number;
  readonly queued: boolean;
  readonly total: number;
  readonly logged: ReadonlySet<string>;
  readonly included: (include: IncludeCommand) => readonly ScanCommand[];
  readonly simulatedSeconds: number;
  commands: readonly ScanCommand[];
  state: ScanState;
  performed: number;
  address: number;
  command: string;
  started?: number;
  ended?: number;
  finish?: number;
  error?: string;
  /** Epoch ms by which the scan must end: checked before each command starts. */
  deadline?: number;
  readonly timeout: number;
  /** Why the engine was asked to abort the scan, when it was not a client. */
  abortReason?: string;
  lastSerial: number;
  readonly samples: Record<string, ScanSample[]>;
  /** The scan's run while it is active. */
  run?: ScanRun;
  /** Settles when the scan has ended. */
  readonly done: Promise<void>;
  readonly markEnded: () => void;
}

const ACTIVE: readonly ScanState[] = ["Idle", "Running", "Paused"];

export class ScanService {
  readonly #engine: ScanEngine;
  readonly #now: () => number;
  readonly #options: ScanServiceOptions;
  readonly #scans = new Map<number, Scan>();
  /** Queued scans not started yet, in the order they will run. */
  #queue: number[] = [];
  #active: Scan | undefined;
  #lastId: number;
  readonly #startTime: number;
  readonly #unsubscribe: () => void;
  readonly #listeners = new Set<(id: number) => void>();

  constructor(options: ScanServiceOptions) {
    this.#engine = options.engine;
    this.#now = options.now ?? Date.now;
    this.#options = options;
    this.#lastId = readLastId(options.idFile);
    this.#startTime = this.#now();
    this.#unsubscribe = this.#engine.onFree(() => this.#schedule());
  }

  /** Stops following the engine; scans that run go on. */
  close(): void {
    this.#unsubscribe();
  }

  /** Calls `listener` with a scan's id whenever its state, command or progress changed. */
  subscribe(listener: (id: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads, numbers and checks a command list, with the commands of its includes. */
  prepare(xml: string): {
    commands: readonly ScanCommand[];
    included: (include: IncludeCommand) => readonly ScanCommand[];
  } {
    const commands = assignAddresses(parseCommandsXml(xml));
    const byAddress = new Map<number, readonly ScanCommand[]>();
    const byCommand = new Map<IncludeCommand, readonly ScanCommand[]>();
    const load = (list: readonly ScanCommand[], depth: number): void => {
      const refused = findRefused(list);
      if (refused) throw new ScanXmlError(refused.message);
      for (const command of list) {
        if (command.type === "include") {
          if (depth > 20) throw new ScanXmlError(`Include '${command.scanFile}' nests too deep`);
          const body = this.#readInclude(command);
          load(body, depth + 1);
          if (command.address >= 0) byAddress.set(command.address, body);
          else byCommand.set(command, body);
        }
        if (hasBody(command)) load(command.body, depth);
      }
    };
    load(commands, 0);
    const included = (include: IncludeCommand): readonly ScanCommand[] =>
      (include.address >= 0 ? byAddress.get(include.address) : byCommand.get(include)) ?? [];
    return { commands, included };
  }

  /** POST /simulate */
  async simulate(xml: string): Promise<ScanSimulation> {
    return this.#simulate(this.prepare(xml));
  }

  /** Simulated where the devices are, from their values now. */
  async #simulate(scan: {
    commands: readonly ScanCommand[];
    included: (include: IncludeCommand) => readonly ScanCommand[];
  }): Promise<ScanSimulation> {
    const answer = await this.#engine.query({
      type: "scan_simulate",
      ...scanCommandsJson(scan.commands, scan.included),
    });
    return scanSimulationSchema.parse(answer);
  }

  /** POST /scan/{name}: the new scan's id. */
  async submit(xml: string, name: string, options: SubmitOptions = {}): Promise<number> {
    const queued = options.queue ?? true;
    const { commands, included } = this.prepare(xml);
    if (!queued && (this.#active !== undefined || !this.#engine.free)) {
      throw new ScanRequestError(
        `Scan '${name}' cannot start at once: the engine is busy (submit it queued)`,
      );
    }
    if ((options.timeout ?? 0) > 0 && options.deadline !== undefined) {
      throw new ScanRequestError("Cannot specify both timeout and deadline");
    }
    const simulation = await this.#simulate({ commands, included });
    const id = this.#nextId();
    const scan: Scan = {
      id,
      name,
      created: this.#now(),
      queued,
      total: totalWorkUnits(commands, (include) => totalWorkUnits(included(include))),
      logged: loggedNames(commands, included),
      included,
      simulatedSeconds: simulation.seconds,
      commands,
      state: "Idle",
      performed: 0,
      address: -1,
      command: "",
      lastSerial: -1,
      samples: {},
      ...ending(),
      timeout: options.timeout ?? 0,
      ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
    };
    this.#scans.set(id, scan);
    this.#changed(scan);
    if (scan.deadline !== undefined && scan.deadline < this.#now()) {
      scan.abortReason = "Aborted (stale deadline)";
      this.#end(scan, { status: "aborted", message: "" });
    } else if (queued) this.#queue.push(id);
    else this.#start(scan);
    this.#schedule();
    return id;
  }

  /** Newest first. */
  infos(): ScanInfo[] {
    return [...this.#scans.values()].sort((a, b) => b.id - a.id).map((s) => this.#info(s));
  }

  info(id: number): ScanInfo {
    return this.#info(this.#get(id));
  }

  commands(id: number): readonly ScanCommand[] {
    return this.#get(id).commands;
  }

  data(id: number): Readonly<Record<string, readonly ScanSample[]>> {
    return this.#get(id).samples;
  }

  lastSerial(id: number): number {
    return this.#get(id).lastSerial;
  }

  /** The devices of a scan, or of the beamline for id -1, with their values now. */
  async deviceInfos(id: number): Promise<DeviceInfo[]> {
    let names: string[] | null = null;
    if (id !== -1) {
      const scan = this.#get(id);
      names = usedNames(scan.commands, scan.included).sort();
    }
    const answer = await this.#engine.query({ type: "scan_devices", names });
    return z.array(deviceInfoSchema).parse(answer);
  }

  serverInfo(): ServerInfo {
    const memory = process.memoryUsage();
    return {
      version: SCAN_SERVER_VERSION,
      startTime: this.#startTime,
      scanConfig: this.#options.scanConfig ?? "",
      scriptPaths: [],
      macros: this.#options.macros ?? "",
      usedMem: memory.heapUsed,
      maxMem: getHeapStatistics().heap_size_limit,
      nonHeap: memory.external,
    };
  }

  /** PUT /scan/{id}/pause; -1 pauses every running scan. Only a running scan pauses. */
  async pause(id: number): Promise<void> {
    for (const scan of this.#targets(id)) {
      if (scan.state !== "Running" || scan !== this.#active) continue;
      await this.#engine.pause();
      if (scan.state === "Running") scan.state = "Paused";
      this.#changed(scan);
    }
  }

  /** PUT /scan/{id}/resume; only a paused scan resumes. */
  async resume(id: number): Promise<void> {
    for (const scan of this.#targets(id)) {
      if (scan.state !== "Paused" || scan !== this.#active) continue;
      await this.#engine.resume();
      if (scan.state === "Paused") scan.state = "Running";
      this.#changed(scan);
    }
  }

  /** PUT /scan/{id}/abort: an idle scan never starts, a running or paused one ends. */
  async abort(id: number): Promise<void> {
    for (const scan of this.#targets(id)) {
      if (scan.state === "Idle") {
        this.#queue = this.#queue.filter((queued) => queued !== scan.id);
        this.#end(scan, { status: "aborted", message: "" });
      } else if (scan === this.#active && (scan.state === "Running" || scan.state === "Paused")) {
        await this.#engine.abort();
      }
    }
  }

  /** PUT /scan/{id}/next: the active command ends now. */
  next(id: number): void {
    for (const scan of this.#targets(id)) {
      if (scan !== this.#active) continue;
      scan.run?.send({ type: "next" });
    }
  }

  /** PUT /scan/{id}/move/{steps}: moves a queued scan that has not started by `steps` places. */
  move(id: number, steps: number): void {
    const scan = this.#get(id);
    const index = this.#queue.indexOf(scan.id);
    if (index < 0) throw new ScanRequestError(`Scan ${id} is not waiting in the queue`);
    const to = Math.max(0, Math.min(this.#queue.length - 1, index + steps));
    this.#queue.splice(index, 1);
    this.#queue.splice(to, 0, scan.id);
  }

  /** PUT /scan/{id}/patch: changes a command that has not run yet. */
  patch(id: number, xml: string): void {
    const scan = this.#get(id);
    const patch = parsePatchXml(xml);
    if (isDoneState(scan.state)) {
      throw new ScanPatchError(
        `Command at address ${patch.address} has already run (scan ${id} is ${scan.state})`,
      );
    }
    const result = applyPatch(
      scan.commands,
      patch,
      scan.state === "Idle" ? undefined : { nextAddress: scan.address },
    );
    if (!result.applied) throw new ScanPatchError(result.reason);
    scan.commands = result.commands;
    scan.run?.send({ type: "commands", commands: writeCommandsXml(scan.commands) });
  }

  /** DELETE /scan/{id}: an active scan stays. */
  delete(id: number): void {
    const scan = this.#get(id);
    if (ACTIVE.includes(scan.state)) return;
    this.#scans.delete(id);
  }

  /** DELETE /scans/completed */
  clearCompleted(): void {
    for (const scan of [...this.#scans.values()]) {
      if (!ACTIVE.includes(scan.state)) this.#scans.delete(scan.id);
    }
  }

  /** Resolves once no scan is active. */
  async idle(): Promise<void> {
    while (this.#active !== undefined) await this.#active.done;
  }

  #get(id: number): Scan {
    const scan = this.#scans.get(id);
    if (scan === undefined) throw new ScanRequestError(`Unknown scan ID ${id}`);
    return scan;
  }

  #targets(id: number): Scan[] {
    if (id !== -1) return [this.#get(id)];
    return [...this.#scans.values()].filter((scan) => ACTIVE.includes(scan.state));
  }

  #info(scan: Scan): ScanInfo {
    const now = this.#now();
    const runtime = scan.started === undefined ? 0 : (scan.ended ?? now) - scan.started;
    const info: ScanInfo = {
      id: scan.id,
      name: scan.name,
      created: scan.created,
      state: scan.state,
      runtime: Math.round(runtime),
      totalWorkUnits: scan.total,
      performedWorkUnits: scan.performed,
      address: scan.address,
      command: scan.command,
    };
    return {
      ...info,
      ...(scan.finish === undefined ? {} : { finish: Math.round(scan.finish) }),
      ...(scan.error === undefined ? {} : { error: scan.error }),
    };
  }

  #nextId(): number {
    this.#lastId += 1;
    if (this.#options.idFile !== undefined) {
      writeFileSync(this.#options.idFile, `${this.#lastId}\n`);
    }
    return this.#lastId;
  }

  #schedule(): void {
    if (this.#active !== undefined || !this.#engine.free) return;
    const id = this.#queue.shift();
    if (id === undefined) return;
    const scan = this.#scans.get(id);
    if (scan === undefined || scan.state !== "Idle") {
      this.#schedule();
      return;
    }
    this.#start(scan);
  }

  #start(scan: Scan): void {
    if (scan.deadline !== undefined && scan.deadline < this.#now()) {
      scan.abortReason = "Aborted (stale deadline)";
      this.#end(scan, { status: "aborted", message: "" });
      return;
    }
    const started = this.#now();
    if (scan.timeout > 0) scan.deadline = started + scan.timeout * 1000;
    const kwargs = scanItemKwargs({
      id: scan.id,
      name: scan.name,
      commands: scan.commands,
      included: scan.included,
      ...(scan.deadline === undefined ? {} : { deadline: scan.deadline }),
    });
    let run: ScanRun;
    try {
      run = this.#engine.start(kwargs, {
        document: (...document) => this.#document(scan, document),
        message: (message) => this.#message(scan, message),
      });
    } catch (error) {
      this.#end(scan, { status: "failed", message: (error as Error).message });
      return;
    }
    scan.run = run;
    this.#active = scan;
    scan.state = "Running";
    scan.started = started;
    scan.finish = scan.started + scan.simulatedSeconds * 1000;
    this.#changed(scan);
    run.ended.then(
      (end) => this.#end(scan, end),
      (error: unknown) => this.#end(scan, { status: "failed", message: String(error) }),
    );
  }

  /** What the scan's plan tells: the command that starts, work done, a deadline passed. */
  #message(scan: Scan, raw: unknown): void {
    const parsed = scanProgressSchema.safeParse(raw);
    if (!parsed.success || scan.run === undefined) return;
    const message = parsed.data;
    switch (message.type) {
      case "command":
        scan.address = message.address;
        scan.command = message.text;
        this.#changed(scan);
        return;
      case "work":
        this.#workDone(scan, message.units);
        return;
      case "expired":
        scan.abortReason = message.reason;
        return;
    }
  }

  #workDone(scan: Scan, units: number): void {
    scan.performed = Math.min(scan.total, scan.performed + units);
    if (scan.started === undefined || scan.performed <= 0) return;
    const now = this.#now();
    const estimate = now + ((now - scan.started) * (scan.total - scan.performed)) / scan.performed;
    scan.finish = scan.finish === undefined ? estimate : (4 * scan.finish + estimate) / 5;
    this.#changed(scan);
  }

  #changed(scan: Scan): void {
    for (const listener of [...this.#listeners]) listener(scan.id);
  }

  #end(scan: Scan, end: ScanRunEnd): void {
    scan.ended = this.#now();
    scan.finish = scan.ended;
    scan.address = -1;
    scan.command = "- end -";
    if (end.status === "finished") {
      scan.state = "Finished";
      scan.performed = scan.total;
    } else if (end.status === "aborted") {
      scan.state = "Aborted";
      scan.error = scan.abortReason ?? "Aborted";
    } else {
      scan.state = "Failed";
      scan.error = end.message;
    }
    const wasActive = this.#active === scan;
    if (wasActive) this.#active = undefined;
    delete scan.run;
    scan.markEnded();
    this.#changed(scan);
    if (wasActive) this.#schedule();
  }

  #document(scan: Scan, document: NamedDocument): void {
    if (document[0] === "event") this.#event(scan, document[1]);
    else if (document[0] === "event_page") {
      for (const event of unpackEventPage(document[1])) this.#event(scan, event);
    }
  }

  #event(scan: Scan, event: Event): void {
    const serial = ++scan.lastSerial;
    for (const [name, value] of Object.entries(event.data)) {
      if (!scan.logged.has(name)) continue;
      const time = Math.round((event.timestamps[name] ?? event.time) * 1000);
      (scan.samples[name] ??= []).push({ serial, time, value: sampleValue(value) });
    }
  }

  #readInclude(include: IncludeCommand): readonly ScanCommand[] {
    const folder = this.#options.scanFolder;
    if (folder === undefined) {
      throw new ScanXmlError(
        `Include '${include.scanFile}' is refused: no folder of scan files is configured`,
      );
    }
    const path = resolve(folder, include.scanFile);
    const inside = relative(resolve(folder), path);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      throw new ScanXmlError(
        `Include '${include.scanFile}' is refused: it is outside the folder of scan files`,
      );
    }
    if (!existsSync(path)) {
      throw new ScanXmlError(`Include '${include.scanFile}': no such scan file in ${folder}`);
    }
    let text = readFileSync(path, "utf8");
    for (const [key, value] of parseMacros(include.macros)) {
      text = text.replaceAll(`$(${key})`, value).replaceAll(`\${${key}}`, value);
    }
    return parseCommandsXml(text);
  }
}

function nextSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function ending(): { done: Promise<void>; markEnded: () => void } {
  const { promise, resolve } = nextSignal();
  return { done: promise, markEnded: resolve };
}

function readLastId(file: string | undefined): number {
  if (file === undefined || !existsSync(file)) return 0;
  const value = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** `a=1, b=2` */
function parseMacros(text: string): Array<[string, string]> {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.includes("="))
    .map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    });
}
