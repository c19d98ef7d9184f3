// The worker `hil serve` forks to run plans: it opens the beamline when the manager asks
// and carries out its requests over the IPC channel until the manager goes away.
import { InProcessEnvironment, forkedParent, serveEnvironment } from "../server/index.js";
import type { BeamlineEnvironmentOptions } from "./beamline-environment.js";
import { beamlineEnvironment, loadPlanCatalog } from "./beamline-environment.js";
import { UsageError } from "./usage-error.js";

export async function environmentWorkerCommand(options: BeamlineEnvironmentOptions): Promise<void> {
  const parent = forkedParent();
  if (parent === undefined) {
    throw new UsageError("hil environment-worker is started by hil serve, not by hand");
  }
  const catalog = await loadPlanCatalog(options.plans);
  const environment = new InProcessEnvironment(beamlineEnvironment(options, catalog));
  serveEnvironment(environment, parent);
}
