// A queue server on a free port of 127.0.0.1 over the simulated beamline's queue manager, for
// clients that need its address rather than a request helper.
import type { QueueHttpServerOptions } from "../../src/server/http/index.js";
import { createQueueHttpServer } from "../../src/server/http/index.js";
import type { SimManager } from "../server/support/sim-manager.js";
import { simManager } from "../server/support/sim-manager.js";

export interface ClientHarness {
  url: string;
  sim: SimManager;
  stop(): Promise<void>;
}

export async function startQueueServer(
  options: Omit<QueueHttpServerOptions, "store"> = {},
): Promise<ClientHarness> {
  const sim = await simManager();
  const server = createQueueHttpServer({ store: sim.store, manager: sim.manager, ...options });
  const { host, port } = await server.listen(0);
  return {
    url: `http://${host}:${port}`,
    sim,
    async stop() {
      await server.close();
      await sim.cleanup();
    },
  };
}

/** Runs what is queued to its end on the sim beamline, as `queue/start` does. */
export async function runQueue(sim: SimManager): Promise<void> {
  if (sim.environment.state !== "idle") await sim.manager.openEnvironment();
  sim.manager.startQueue();
  await sim.manager.idle();
}
