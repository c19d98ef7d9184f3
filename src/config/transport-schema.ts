import { z } from "zod";
import { configNumber } from "./value-schemas.js";

const baud = configNumber(z.number().int().positive());
const port = configNumber(z.number().int().min(1).max(65535));
const unitId = configNumber(z.number().int().min(0).max(255));
const parity = z.enum(["none", "even", "odd", "mark", "space"]).default("none");

/** How a device reaches its controller; the driver opens it, the config only describes it. */
export const transportSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("serial"),
    path: z.string().min(1),
    baud,
    dataBits: configNumber(z.number().int().min(5).max(8)).default(8),
    parity,
    stopBits: configNumber(z.literal([1, 1.5, 2])).default(1),
    flowControl: z.enum(["none", "rtscts", "xonxoff"]).default("none"),
  }),
  z.strictObject({ type: z.literal("tcp"), host: z.string().min(1), port }),
  z.strictObject({
    type: z.literal("modbus-tcp"),
    host: z.string().min(1),
    port: port.default(502),
    unitId,
  }),
  z.strictObject({
    type: z.literal("modbus-rtu"),
    path: z.string().min(1),
    baud,
    parity,
    unitId,
  }),
  z.strictObject({ type: z.literal("ca"), prefix: z.string().min(1) }),
  z.strictObject({ type: z.literal("sim") }),
]);

export type Transport = z.infer<typeof transportSchema>;
export type TransportType = Transport["type"];

/** What a simulated device gets: no wire at all. */
export const simTransport: Transport = { type: "sim" };
