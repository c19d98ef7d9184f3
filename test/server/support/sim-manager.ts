// A queue manager over the simulated beamline (config/sim-beamline.yaml) on a virtual clock,
// in this process: what the server's faces are tested against.
import { join } from "node:path";
import { VirtualClock } from "../../../src/core/index.js";
import type { Plan, Readable } from "../../../src/core/index.js";
import { buildDevices, loadConfig } from "../../../src/config/index.js";
import { count, scan } from "../../../src/plans/index.js";
import type { PlanSource } from "../../../src/server/manager/index.js";
import { InProcessEnvironment, QueueManager } from "../../../src/server/manager/index.js";
import type { QueueItem, QueueStore } from "../../../src/server/queue/index.js";
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
export async function simManager(temp = tempStore()): Promise<SimManager> {
  const clock = new VirtualClock({ start: 1_700_000_000 });
  const environment = new InProcessEnvironment(async () => {
    const config = await loadConfig(join(root, "config/sim-beamline.yaml"), {});
    const beamline = await buildDevices(config, { clock });
    return {
      plans: samplePlans(beamline),
      clock,
      md: beamline.metadata,
      close: () => beamline.close(),
    };
  });
  const store = temp.open();
  const manager = new QueueManager({ store, environment });
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

function samplePlans(devices: { get(name: string): unknown }): PlanSource {
  const builders: Record<string, (item: QueueItem) => Plan<unknown>> = {
    count: (item) =>
      count(
        (item.args[0] as string[]).map((n) => devices.get(n) as Readable),
        { num: Number(item.kwargs.num ?? 1) },
      ),
    scan: (item) => {
      const [dets, motor, start, stop, num] = item.args as [
        string[],
        string,
        number,
        number,
        number,
      ];
      return scan(
        dets.map((n) => devices.get(n) as Readable),
        devices.get(motor) as never,
        start,
        stop,
        num,
      );
    },
  };
  return {
    allowed: { plans: { count: { name: "count" }, scan: { name: "scan" } }, devices: {} },
    check: (item) => (item.name in builders ? undefined : `unknown plan '${item.name}'`),
    build: (item) => builders[item.name]!(item),
  };
}
