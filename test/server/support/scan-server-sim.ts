// The Scan Server face over the simulated beamline (config/sim-beamline.yaml) on a virtual
// clock: a queue manager whose in-process environment builds scan items where its devices are.
import { join } from "node:path";
import { VirtualClock } from "../../../src/core/index.js";
import type { Device } from "../../../src/core/index.js";
import { buildDevices, loadConfig } from "../../../src/config/index.js";
import type { Beamline } from "../../../src/config/index.js";
import type { PlanSource } from "../../../src/server/manager/index.js";
import { InProcessEnvironment, QueueManager } from "../../../src/server/manager/index.js";
import type { QueueStore } from "../../../src/server/queue/index.js";
import {
  ScanDevices,
  ScanService,
  managerScanEngine,
  withScanItems,
  type ScanEngine,
  type ScanServiceOptions,
} from "../../../src/server/scan-server/index.js";
import { tempStore } from "../queue/temp-store.js";
import { root } from "../../cli/run-hil.js";

export interface ScanServerSim {
  service: ScanService;
  engine: ScanEngine;
  manager: QueueManager;
  store: QueueStore;
  clock: VirtualClock;
  /** A device of the open environment. */
  device<T = Device>(name: string): T;
  /** The open environment's devices, looked up as scans name them. */
  devices(): ScanDevices;
  cleanup(): Promise<void>;
}

const noPlans: PlanSource = {
  allowed: { plans: {}, devices: {} },
  check: (item) => `unknown plan '${item.name}'`,
  build: (item) => {
    throw new Error(`unknown plan '${item.name}'`);
  },
};

/** A scan service with the environment open. */
export async function scanServerSim(
  options: Omit<ScanServiceOptions, "engine" | "now"> = {},
): Promise<ScanServerSim> {
  const clock = new VirtualClock({ start: 1_700_000_000 });
  let beamline: Beamline | undefined;
  const environment = new InProcessEnvironment(async () => {
    const config = await loadConfig(join(root, "config/sim-beamline.yaml"), {});
    const built = await buildDevices(config, { clock });
    beamline = built;
    return {
      plans: withScanItems(noPlans, {
        devices: () => built.devices.values(),
        now: () => clock.now() * 1000,
      }),
      clock,
      md: built.metadata,
      close: () => built.close(),
    };
  });
  const temp = tempStore();
  const store = temp.open();
  const manager = new QueueManager({ store, environment });
  await manager.openEnvironment();
  const engine = managerScanEngine({ manager });
  const service = new ScanService({ ...options, engine, now: () => clock.now() * 1000 });
  return {
    service,
    engine,
    manager,
    store,
    clock,
    devices: () => new ScanDevices(beamline?.devices.values() ?? []),
    device<T>(name: string): T {
      const device = beamline?.devices.get(name);
      if (device === undefined) throw new Error(`no device ${name}`);
      return device as T;
    },
    async cleanup() {
      service.close();
      manager.close();
      await environment.destroy();
      temp.cleanup();
    },
  };
}
