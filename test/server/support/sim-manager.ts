// A queue manager over the simulated beamline (config/sim-beamline.yaml) on a virtual clock,
// in this process, with the built-in plans: what the server's faces are tested against.
import { join } from "node:path";
import type { DocumentOutlets } from "../../../src/callbacks/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import { buildDevices, loadConfig } from "../../../src/config/index.js";
import { builtinPlans } from "../../../src/plans/index.js";
import {
  InProcessEnvironment,
  QueueManager,
  catalogChecker,
  catalogPlanSource,
} from "../../../src/server/manager/index.js";
import type { QueueStore } from "../../../src/server/queue/index.js";
import { tempStore } from "../queue/temp-store.js";
import { root } from "../../cli/run-hil.js";

export interface SimManager {
  manager: QueueManager;
  environment: InProcessEnvironment;
  store: QueueStore;
  clock: VirtualClock;
  temp: ReturnType<typeof tempStore>;
  /** Closes the manager, the environment and the store, and deletes the database. */
  cleanup(): Promise<void>;
}

/** A manager with its environment closed; `openEnvironment()` builds the sim devices. */
export async function simManager(
  temp = tempStore(),
  options: { outlets?: DocumentOutlets } = {},
): Promise<SimManager> {
  const clock = new VirtualClock({ start: 1_700_000_000 });
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
  const store = temp.open();
  const manager = new QueueManager({
    store,
    environment,
    checker: catalogChecker(builtinPlans),
    outlets: options.outlets,
  });
  return {
    manager,
    environment,
    store,
    clock,
    temp,
    async cleanup() {
      manager.close();
      await environment.destroy();
      temp.cleanup();
    },
  };
}
