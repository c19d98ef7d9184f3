import { z } from "zod";
import { EpicsMotor } from "../../../drivers/epics/index.js";
import { SharedCaClient } from "../../ca/index.js";
import type { BuildContext, DriverSpec } from "../registry.js";

const noParams = z.strictObject({});

/** The beamline's one CA client, leased by each EPICS device and closed with the last. */
function caClient(context: BuildContext<unknown>): SharedCaClient {
  return context.shared("ca-client", () => new SharedCaClient());
}

/** A motor record of any IOC (ophyd's EpicsMotor), `transport: {type: ca, prefix: "BL7:MTR2"}`. */
export const epicsMotorDriver: DriverSpec<z.infer<typeof noParams>> = {
  name: "epics.motor",
  description: "an EPICS motor record over Channel Access (VAL, RBV, DMOV, STOP, HLM/LLM)",
  params: noParams,
  takes: { units: true },
  transports: ["ca"],
  build: (context) => {
    const { name, clock, transport } = context;
    if (transport.type !== "ca") throw new Error(`${name}: epics.motor needs a ca transport`);
    const shared = caClient(context);
    return new EpicsMotor({
      name,
      prefix: transport.prefix,
      clock,
      client: shared.lease(),
      onDisconnect: () => shared.release(),
    });
  },
};
