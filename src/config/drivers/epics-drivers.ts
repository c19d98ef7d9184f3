import { z } from "zod";
import { EpicsDetector, EpicsDevice, EpicsMotor } from "../../../drivers/epics/index.js";
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

const detectorParams = z.strictObject({
  /**
   * PV suffixes after the prefix: areaDetector's Acquire and AcquireTime, and the value under
   * the prefix itself, as `hil ioc` serves a detector.
   */
  acquire: z.string().min(1).default(":Acquire"),
  value: z.string().default(""),
  exposure: z.string().min(1).default(":AcquireTime"),
});

/**
 * A detector of any IOC over an acquire/value pair, `transport: {type: ca, prefix: "BL7:D1"}`:
 * trigger writes prefix+acquire with completion, then reads prefix+value.
 */
export const epicsDetectorDriver: DriverSpec<z.infer<typeof detectorParams>> = {
  name: "epics.detector",
  description: "a detector over Channel Access: Acquire with completion, then its value",
  params: detectorParams,
  takes: { units: true },
  transports: ["ca"],
  build: (context) => {
    const { name, clock, transport, params } = context;
    if (transport.type !== "ca") throw new Error(`${name}: epics.detector needs a ca transport`);
    const shared = caClient(context);
    return new EpicsDetector({
      name,
      clock,
      client: shared.lease(),
      acquirePv: `${transport.prefix}${params.acquire}`,
      valuePv: `${transport.prefix}${params.value}`,
      exposurePv: `${transport.prefix}${params.exposure}`,
      onDisconnect: () => shared.release(),
    });
  },
};

const signalParams = z.strictObject({
  /** The PV after the prefix (default: the prefix alone names it). */
  pv: z.string().default(""),
  /** A setpoint PV after the prefix, written instead of the one read. */
  write: z.string().min(1).optional(),
  writable: z.boolean().default(false),
  type: z.enum(["float", "int", "string", "boolean"]).default("float"),
});

/**
 * One PV as a device, `transport: {type: ca, prefix: "BL7:TC1:TEMP"}`: read-only unless
 * `writable` or a `write` PV is given. Its reading carries the device's name.
 */
export const epicsSignalDriver: DriverSpec<z.infer<typeof signalParams>> = {
  name: "epics.signal",
  description: "one PV (or a readback and its setpoint) over Channel Access",
  params: signalParams,
  takes: { units: true },
  transports: ["ca"],
  build: (context) => {
    const { name, clock, transport, params } = context;
    if (transport.type !== "ca") throw new Error(`${name}: epics.signal needs a ca transport`);
    const shared = caClient(context);
    return new EpicsDevice({
      name,
      clock,
      client: shared.lease(),
      prefix: transport.prefix,
      signals: {
        value: {
          pv: params.pv,
          ...(params.write === undefined ? {} : { write: params.write }),
          writable: params.writable,
          type: params.type,
          kind: "hinted",
          primary: true,
        },
      },
      onDisconnect: () => shared.release(),
    });
  },
};
