import { z } from "zod";
import { Eurotherm3200 } from "../../../drivers/eurotherm-3200/index.js";
import type { Transport } from "../transport-schema.js";
import { ModbusClient } from "../../transports/index.js";
import type { DriverSpec } from "../registry.js";
import { portKey } from "../transport-factory.js";
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

type ModbusTransport = Extract<Transport, { type: "modbus-tcp" | "modbus-rtu" }>;

/** A Eurotherm 3200 temperature controller over Modbus TCP or RTU. */
export const eurothermDriver: DriverSpec<z.infer<typeof params>> = {
  name: "eurotherm.3200",
  description: "Eurotherm 3200 series temperature controller (Modbus TCP or RTU)",
  params,
  takes: { units: true },
  transports: ["modbus-tcp", "modbus-rtu"],
  build: ({ name, clock, params: p, transport, units, shared }) => {
    const modbus = transport as ModbusTransport;
    const link = shared(portKey(modbus), () =>
      modbus.type === "modbus-tcp"
        ? new ModbusClient({
            host: modbus.host,
            port: modbus.port,
            unitId: modbus.unitId,
            timeout: p.timeout,
          })
        : new ModbusClient({
            path: modbus.path,
            baudRate: modbus.baud,
            parity: modbus.parity,
            unitId: modbus.unitId,
            timeout: p.timeout,
          }),
    );
    return new Eurotherm3200({
      name,
      clock,
      // One link per port; each controller on an RS-485 bus speaks under its own unit id.
      client: link.withUnit(modbus.unitId),
      units,
      decimalPlaces: p.decimalPlaces,
      region: p.region,
      remoteSetpoint: p.remoteSetpoint,
      tolerance: p.tolerance,
      settleTime: p.settleTime,
      pollPeriod: p.pollPeriod,
    });
  },
};
