import { z } from "zod";
import { Eurotherm3200 } from "../../../drivers/eurotherm-3200/index.js";
import type { DriverSpec } from "../registry.js";
import { configNumber } from "../value-schemas.js";

const params = z.strictObject({
  /** The instrument's display resolution, for the scaled register region. */
  decimalPlaces: configNumber(z.number().int().min(0).max(4)).default(1),
  region: z.enum(["scaled", "float"]).default("scaled"),
  remoteSetpoint: z.boolean().default(false),
  tolerance: configNumber(z.number().positive()).optional(),
  settleTime: configNumber(z.number().min(0)).optional(),
  pollPeriod: configNumber(z.number().positive()).optional(),
  /** Seconds a Modbus reply may take. */
  timeout: configNumber(z.number().positive()).optional(),
});

/** A Eurotherm 3200 temperature controller over Modbus TCP or RTU. */
export const eurothermDriver: DriverSpec<z.infer<typeof params>> = {
  name: "eurotherm.3200",
  description: "Eurotherm 3200 series temperature controller (Modbus TCP or RTU)",
  params,
  takes: { units: true },
  transports: ["modbus-tcp", "modbus-rtu"],
  build: ({ name, clock, params: p, units, modbusLink }) =>
    new Eurotherm3200({
      name,
      clock,
      client: modbusLink({ timeout: p.timeout }),
      units,
      decimalPlaces: p.decimalPlaces,
      region: p.region,
      remoteSetpoint: p.remoteSetpoint,
      tolerance: p.tolerance,
      settleTime: p.settleTime,
      pollPeriod: p.pollPeriod,
    }),
};
