// EPICS base's own client library (libca, through Debian's python3-pyepics) as a test
// peer: one Python process per test file, driven by JSON lines (pyepics-client.py).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const script = fileURLToPath(new URL("./pyepics-client.py", import.meta.url));

/** The loopback environment of a libca client that searches only `port` on 127.0.0.1. */
export function loopbackClientEnv(port: number): Record<string, string> {
  return {
    EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CA_SERVER_PORT: String(port),
    // A repeater nobody runs: libca carries on without one.
    EPICS_CA_REPEATER_PORT: String(port + 1),
  };
}

/** One line from the client: an answer (id), a monitor event or a ready signal. */
const lineSchema = z
  .object({
    id: z.number().optional(),
    result: z.unknown().optional(),
    error: z.string().optional(),
    event: z.literal("monitor").optional(),
    monitor: z.string().optional(),
    ready: z.union([z.literal(true), z.number()]).optional(),
  })
  .passthrough();

export interface MonitorUpdate {
  monitor: string;
  pv: string;
  value: unknown;
  char_value: string;
  status: number;
  severity: number;
  timestamp: number;
}

/** A running pyepics client; `request` sends one operation and resolves with its result. */
export class PyEpicsClient {
  readonly #process: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly #monitorListeners = new Map<string, (update: MonitorUpdate) => void>();
  readonly #readyListeners = new Map<number, () => void>();
  #nextId = 1;
  #stderr = "";
  readonly started: Promise<void>;

  constructor(env: Record<string, string>) {
    this.#process = spawn("/usr/bin/python3", ["-u", script], {
      env: { ...process.env, ...env, PYTHONUNBUFFERED: "1" },
    });
    this.#process.stderr.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    let ready: () => void;
    let failed: (error: Error) => void;
    this.started = new Promise((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    this.#process.on("exit", (code) => {
      const error = new Error(`pyepics client exited (${code}): ${this.#stderr}`);
      failed(error);
      for (const { reject } of this.#pending.values()) reject(error);
      this.#pending.clear();
    });
    createInterface({ input: this.#process.stdout }).on("line", (line) => {
      const answer = lineSchema.parse(JSON.parse(line));
      if (answer.ready === true) ready();
      else if (answer.ready !== undefined) this.#readyListeners.get(answer.ready)?.();
      else if (answer.event === "monitor" && answer.monitor !== undefined) {
        this.#monitorListeners.get(answer.monitor)?.(answer as unknown as MonitorUpdate);
      } else if (answer.id !== undefined) {
        const waiter = this.#pending.get(answer.id);
        this.#pending.delete(answer.id);
        if (answer.error !== undefined) waiter?.reject(new Error(`pyepics: ${answer.error}`));
        else waiter?.resolve(answer.result);
      }
    });
  }

  /** Sends `op` with its fields; `onReady` fires when the operation says it is listening. */
  async request<T = unknown>(
    op: string,
    fields: Record<string, unknown>,
    onReady?: () => void,
  ): Promise<T> {
    await this.started;
    const id = this.#nextId++;
    if (onReady) this.#readyListeners.set(id, onReady);
    const answer = new Promise<unknown>((resolve, reject) =>
      this.#pending.set(id, { resolve, reject }),
    );
    this.#process.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    try {
      return (await answer) as T;
    } finally {
      this.#readyListeners.delete(id);
    }
  }

  /** pyepics `camonitor(pv)`: every update goes to `listener` until `clear` is called. */
  async camonitor(
    pv: string,
    listener: (update: MonitorUpdate) => void,
  ): Promise<() => Promise<void>> {
    const monitor = `m${this.#nextId}`;
    this.#monitorListeners.set(monitor, listener);
    await this.request("camonitor", { pv, monitor });
    return async () => {
      await this.request("camonitor_clear", { monitor });
      this.#monitorListeners.delete(monitor);
    };
  }

  async close(): Promise<void> {
    if (this.#process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#process.once("exit", resolve));
    this.#process.stdin.end();
    this.#process.kill();
    await exited;
  }
}
