// What the dispatcher's socket tests share: a manager whose virtual clock moves only when the
// test steps it (so a command sent over a socket reaches a plan still running), and a ws client
// that keeps every message it gets.
import { join } from "node:path";
import WebSocket from "ws";
import { VirtualClock } from "../../../src/core/index.js";
import { buildDevices, loadConfig } from "../../../src/config/index.js";
import { builtinPlans } from "../../../src/plans/index.js";
import {
  InProcessEnvironment,
  QueueManager,
  catalogPlanSource,
} from "../../../src/server/manager/index.js";
import type { QueueStore } from "../../../src/server/queue/index.js";
import { root } from "../../cli/run-hil.js";
import { tempStore } from "../queue/temp-store.js";

export interface SteppedManager {
  manager: QueueManager;
  store: QueueStore;
  clock: VirtualClock;
  cleanup(): Promise<void>;
}

/** The simulated beamline with the built-in plans, its environment open, time stepped by hand. */
export async function steppedManager(): Promise<SteppedManager> {
  const clock = new VirtualClock({ start: 1_700_000_000, auto: false });
  const environment = new InProcessEnvironment(async () => {
    const config = await loadConfig(join(root, "config/sim-beamline.yaml"), {});
    const beamline = await buildDevices(config, { clock });
    return {
      plans: catalogPlanSource(builtinPlans, beamline),
      clock,
      md: beamline.metadata,
      close: () => beamline.close(),
    };
  });
  const temp = tempStore();
  const store = temp.open();
  const manager = new QueueManager({ store, environment });
  await manager.openEnvironment();
  return {
    manager,
    store,
    clock,
    async cleanup() {
      manager.close();
      await environment.destroy();
      temp.cleanup();
    },
  };
}

export type Message = Record<string, unknown>;

/** A websocket client that records every frame, parsed, and how its connection closed. */
export class Client {
  readonly messages: Message[] = [];
  readonly raw: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #socket: WebSocket;
  readonly #waiters: Array<() => void> = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data) => {
      const text = (data as Buffer).toString("utf8");
      this.raw.push(text);
      this.messages.push(JSON.parse(text) as Message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        resolve({ code, reason: reason.toString("utf8") });
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
  }

  static async connect(port: number): Promise<Client> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new Client(socket);
  }

  send(message: Message | string): void {
    this.#socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (from the start) that `match` accepts. */
  async waitFor(match: (message: Message) => boolean): Promise<Message> {
    for (;;) {
      const found = this.messages.find(match);
      if (found !== undefined) return found;
      if (this.#socket.readyState === WebSocket.CLOSED) {
        throw new Error(`connection closed; got ${JSON.stringify(this.messages)}`);
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Resolves with the `count`th message. */
  async nth(count: number): Promise<Message> {
    await this.waitFor(() => this.messages.length >= count);
    return this.messages[count - 1]!;
  }

  /** Sends a request and resolves with the next message. */
  async request(message: Message | string): Promise<Message> {
    const before = this.messages.length;
    this.send(message);
    return this.nth(before + 1);
  }

  close(): void {
    this.#socket.close();
  }
}

/** The states of a subscription's status events, in order (the snapshot first). */
export function states(messages: readonly Message[]): string[] {
  return messages.filter((m) => m.type === "status").map((m) => String(m.state));
}
