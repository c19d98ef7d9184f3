// The real `hil serve` in a child process, as tests and benchmarks start it: waits until it
// is ready, reads the ports it bound and its API key from what it prints, and stops or kills
// it. Every server is started through a group that stops what is still running, from the
// caller's afterEach/afterAll (or a finally), so a failing test leaves no process behind.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChildOutput } from "./child-output.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface HilServeOptions {
  /** `--config`; leave it out when `extraArgs` carries it. */
  config?: string;
  /** `--out`; leave it out for the command's default (out/). */
  out?: string;
  /** `--port`, the queue server's HTTP port: 0 (the default) binds a free one. `null` leaves the flag off (60610). */
  port?: number | null;
  /** `--dispatcher-port`: 0 (the default) turns the face off. `null` leaves the flag off (8765). */
  dispatcherPort?: number | null;
  /** `--scan-server-port`: 0 (the default) turns the face off. `null` leaves the flag off (4810). */
  scanServerPort?: number | null;
  /** HIL_API_KEY for the server. Without it (and without one in `env`), the key it prints is read. */
  apiKey?: string;
  /** More arguments after the ones above, e.g. `["--plans", "plans/align.ts"]`, `["--zmq", "127.0.0.1:5577"]`. */
  extraArgs?: string[];
  /** Environment beside this process's own. */
  env?: Record<string, string>;
  /**
   * The program and its arguments before `serve`: bin/hil.js by default (the bundle while it
   * is newer than the sources, else the sources through tsx);
   * `["hil"]` with `hil` on `env.PATH` runs the command as a reader would.
   */
  command?: string[];
  /** Working folder: the checkout by default. */
  cwd?: string;
  /** "pipe" (the default) collects stderr into output(); "inherit" shows it in this process's. */
  stderr?: "pipe" | "inherit";
  /** How long to wait for the server to be ready before killing it. */
  readyTimeoutMs?: number;
}

export interface HilServeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** JSON requests to a queue server at `url` with `key`, e.g. `call("POST", "/api/queue/start")`. */
export function apiCaller(url: string, key: string): HilServeCall {
  return async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `ApiKey ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, unknown>;
  };
}

export type HilServeCall = (
  method: "GET" | "POST",
  path: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

export interface HilServe {
  readonly pid: number;
  /** The key clients send (`Authorization: ApiKey <key>`). */
  readonly apiKey: string;
  /** The queue server's HTTP face: its host, port and `http://host:port`. */
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** `http://host:port/api`. */
  readonly apiUrl: string;
  /** The web page's URL as printed, with the key. */
  readonly webPageUrl: string;
  /** The dispatcher's port and `ws://` URL, when that face is on. */
  readonly dispatcherPort?: number;
  readonly dispatcherUrl?: string;
  /** The Scan Server's port and `http://` URL, when that face is on. */
  readonly scanServerPort?: number;
  readonly scanServerUrl?: string;
  /** Everything printed so far: stdout (with the worker's), then stderr. */
  output(): string;
  /** Resolves once stdout or stderr shows `text` (or a match); rejects if the server ends first. */
  waitFor(text: string | RegExp): Promise<void>;
  /** A JSON request to the queue server with the key, e.g. `call("POST", "/api/queue/start")`. */
  call: HilServeCall;
  /** Resolves when the process has ended. */
  readonly exited: Promise<HilServeExit>;
  /** SIGTERM, as Ctrl-C would; resolves once it has ended (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<HilServeExit>;
  /** SIGKILL, as `kill -9`; resolves once it has ended. */
  kill(): Promise<HilServeExit>;
}

export interface HilServes {
  /** Starts `hil serve` and resolves once it is ready; a server that fails to start is killed. */
  start(options?: HilServeOptions): Promise<HilServe>;
  /** Stops every server started here that still runs. */
  stopAll(): Promise<void>;
}

/**
 * A group of `hil serve` processes. Given a hook (`afterEach` or `afterAll`), it registers
 * stopAll there; otherwise the caller runs stopAll itself, in its own hook or a finally.
 *
 *     const serves = hilServes(afterEach);
 *     const hil = await serves.start({ config: "config/sim-beamline.yaml", out, apiKey: "k" });
 *     await hil.call("POST", "/api/queue/start");
 */
export function hilServes(hook?: (stopAll: () => Promise<void>) => void): HilServes {
  const running = new Set<Started>();
  const stopAll = async (): Promise<void> => {
    await Promise.all([...running].map((started) => started.stop()));
  };
  hook?.(stopAll);
  return {
    async start(options = {}) {
      const started = spawnServe(options);
      running.add(started);
      void started.exited.then(() => running.delete(started));
      try {
        return await started.ready;
      } catch (error) {
        await started.kill();
        throw error;
      }
    },
    stopAll,
  };
}

interface Started {
  ready: Promise<HilServe>;
  exited: Promise<HilServeExit>;
  stop(graceMs?: number): Promise<HilServeExit>;
  kill(): Promise<HilServeExit>;
}

/** The arguments after `serve`. */
function serveArgs(options: HilServeOptions): string[] {
  const args: string[] = [];
  const flag = (name: string, value: string | number | null | undefined): void => {
    if (value !== undefined && value !== null) args.push(name, String(value));
  };
  flag("--config", options.config);
  flag("--out", options.out);
  flag("--port", options.port === undefined ? 0 : options.port);
  flag("--dispatcher-port", options.dispatcherPort === undefined ? 0 : options.dispatcherPort);
  flag("--scan-server-port", options.scanServerPort === undefined ? 0 : options.scanServerPort);
  return args.concat(options.extraArgs ?? []);
}

/** Whether a face is on: its last port flag is not 0 (no flag: its default port). */
function faceOn(args: string[], name: string): boolean {
  const at = args.lastIndexOf(name);
  return at < 0 || Number(args[at + 1]) !== 0;
}

function spawnServe(options: HilServeOptions): Started {
  const args = serveArgs(options);
  const [program, ...before] = options.command ?? [process.execPath, join(root, "bin/hil.js")];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.apiKey !== undefined) env.HIL_API_KEY = options.apiKey;
  const child: ChildProcess = spawn(program!, [...before, "serve", ...args], {
    cwd: options.cwd ?? root,
    env,
    stdio: ["ignore", "pipe", options.stderr ?? "pipe"],
  });

  const exited = new Promise<HilServeExit>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
    // A program that cannot start ends with an error and no close.
    child.once("error", () => {
      if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
        resolve({ code: null, signal: null });
      }
    });
  });
  let ended = false;
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => {
    ended = true;
    process.removeListener("exit", killOnExit);
  });
  const kill = async (): Promise<HilServeExit> => {
    if (!ended) child.kill("SIGKILL");
    return exited;
  };
  const stop = async (graceMs = 15_000): Promise<HilServeExit> => {
    if (!ended) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => void child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  const output = (): string => printedText.text();
  const waitFor = (text: string | RegExp): Promise<void> => printedText.waitFor(text);

  // What the lines it prints tell: ports, URLs, a key it made.
  const printed: {
    apiKey?: string;
    host?: string;
    port?: number;
    webPageUrl?: string;
    dispatcherPort?: number;
    dispatcherUrl?: string;
    scanServerPort?: number;
    scanServerUrl?: string;
    open?: boolean;
  } = {};
  let partial = "";
  const line = (text: string): void => {
    let match: RegExpExecArray | null;
    if ((match = /^hil serve: queue API on http:\/\/(.+):(\d+)\/api$/.exec(text))) {
      printed.host = match[1]!;
      printed.port = Number(match[2]);
    } else if ((match = /^hil serve: web page on (\S+)$/.exec(text))) {
      printed.webPageUrl = match[1]!;
    } else if ((match = /^hil serve: dispatcher on (ws:\/\/.+:(\d+))$/.exec(text))) {
      printed.dispatcherUrl = match[1]!;
      printed.dispatcherPort = Number(match[2]);
    } else if ((match = /^hil serve: Scan Server on (http:\/\/.+:(\d+))$/.exec(text))) {
      printed.scanServerUrl = match[1]!;
      printed.scanServerPort = Number(match[2]);
    } else if ((match = /^hil serve: no HIL_API_KEY set; this run's key is (\S+)$/.exec(text))) {
      printed.apiKey = match[1]!;
    } else if (text.startsWith("hil serve: environment open")) {
      printed.open = true;
    }
  };
  const printedText = new ChildOutput(child, exited, "hil serve", (text) => {
    const lines = (partial + text).split("\n");
    partial = lines.pop()!;
    for (const each of lines) line(each);
  });

  // Ready: the environment is open; with --no-open, every face it serves has said where.
  const noOpen = args.includes("--no-open");
  const dispatcherOn = faceOn(args, "--dispatcher-port");
  const scanServerOn = faceOn(args, "--scan-server-port");
  const isReady = (): boolean =>
    noOpen
      ? printed.port !== undefined &&
        printed.webPageUrl !== undefined &&
        (!dispatcherOn || printed.dispatcherPort !== undefined) &&
        (!scanServerOn || printed.scanServerPort !== undefined)
      : printed.open === true;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;

  const ready = new Promise<HilServe>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hil serve not ready in ${readyTimeoutMs} ms:\n${output()}`)),
      readyTimeoutMs,
    );
    const done = (): void => {
      clearTimeout(timer);
      child.stdout!.removeListener("data", watch);
    };
    const watch = (): void => {
      if (!isReady()) return;
      done();
      const apiKey = printed.apiKey ?? env.HIL_API_KEY;
      if (printed.port === undefined || apiKey === undefined) {
        reject(new Error(`hil serve printed no queue API line or key:\n${output()}`));
        return;
      }
      const url = `http://${printed.host}:${printed.port}`;
      const call = apiCaller(url, apiKey);
      resolve({
        pid: child.pid!,
        apiKey,
        host: printed.host!,
        port: printed.port,
        url,
        apiUrl: `${url}/api`,
        webPageUrl: printed.webPageUrl!,
        dispatcherPort: printed.dispatcherPort,
        dispatcherUrl: printed.dispatcherUrl,
        scanServerPort: printed.scanServerPort,
        scanServerUrl: printed.scanServerUrl,
        output,
        waitFor,
        call,
        exited,
        stop,
        kill,
      });
    };
    // After the line parser's listener, so each chunk's lines are read before this looks.
    child.stdout!.on("data", watch);
    child.once("error", (error) => {
      done();
      reject(error);
    });
    void exited.then(() => {
      done();
      reject(new Error(`hil serve ended before it was ready:\n${output()}`));
    });
  });
  return { ready, exited, stop, kill };
}
