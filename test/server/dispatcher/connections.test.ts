import { afterEach, describe, expect, it } from "vitest";
import type { DispatcherSocket } from "../../../src/server/dispatcher/index.js";
import {
  CLOSE_LAGGING,
  DispatcherConnections,
  DispatcherHub,
  ManagerEngine,
} from "../../../src/server/dispatcher/index.js";
import type { SteppedManager } from "./socket-support.js";
import { steppedManager } from "./socket-support.js";

/** A socket that takes each frame at once, or never (a client that stopped reading). */
class Socket implements DispatcherSocket {
  readonly frames: string[] = [];
  closedWith: number | undefined;

  constructor(readonly stalled: boolean) {}

  send(frame: string, done: (error?: Error | null) => void): void {
    this.frames.push(frame);
    if (!this.stalled) queueMicrotask(() => done());
  }

  close(code: number): void {
    this.closedWith = code;
  }

  get states(): string[] {
    return this.frames.map((f) => (JSON.parse(f) as { state?: string }).state ?? "");
  }
}

describe("DispatcherConnections", () => {
  let sim: SteppedManager;
  afterEach(async () => sim?.cleanup());

  it("lets a client that stopped reading fall behind and go while the engine and the other clients go on", async () => {
    sim = await steppedManager();
    const engine = new ManagerEngine({ manager: sim.manager, history: sim.store.history });
    const hub = new DispatcherHub({ plans: engine.hasPlan, window: 1, maxQueued: 2 });
    const connections = new DispatcherConnections(hub, engine);
    engine.subscribe((event) => connections.engineEvent(event));

    const slow = new Socket(true);
    const fast = new Socket(false);
    for (const socket of [slow, fast]) {
      connections.receive(connections.open(socket), '{"type": "subscribe"}');
    }
    const starter = connections.open(new Socket(false));
    const params = '"params": {"detectors": ["det"], "num": 2}';
    for (let run = 0; run < 2; run++) {
      connections.receive(starter, `{"type": "start", "plan": "count", ${params}, "keep_open": 1}`);
      while (sim.manager.runningItem !== undefined) await sim.clock.advance(0.25);
      await sim.manager.idle();
    }

    const done = sim.store.history.get().items.map((h) => h.result.exit_status);
    expect(done).toEqual(["completed", "completed"]);
    expect(fast.states).toEqual(["idle", "running", "idle", "running", "idle"]);
    expect(fast.closedWith).toBeUndefined();
    // One frame in its socket, two waiting in its outbox: the third event was one too many.
    expect(slow.frames).toHaveLength(1);
    expect(slow.closedWith).toBe(CLOSE_LAGGING);
    engine.close();
  });
});
