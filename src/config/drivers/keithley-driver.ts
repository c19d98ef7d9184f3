import { z } from "zod";
import {
  KEITHLEY6485_LINE,
  Keithley6485,
  keithley6485Channel,
} from "../../../drivers/keithley-6485/index.js";
import type { DriverSpec } from "../registry.js";
import { portKey } from "../transport-factory.js";
import { configNumber } from "../value-schemas.js";

const params = z
  .strictObject({
    /** A fixed range in A (the instrument takes the lowest range >= it), or "auto". */
    range: z.union([z.literal("auto"), configNumber(z.number().positive().max(0.021))]).optional(),
    /** Autorange on or off; a fixed range implies off, "auto" on. */
    autorange: z.boolean().optional(),
    /** Integration time in power-line cycles (0.01..6; 5 at 50 Hz). */
    nplc: configNumber(z.number().min(0.01).max(6)).optional(),
    /** Mains frequency, Hz, to turn NPLC into seconds (default 50). */
    lineFrequency: configNumber(z.literal([50, 60])).optional(),
    /** Seconds a reply may take; READ? adds its integration time to it. */
    timeout: configNumber(z.number().positive()).optional(),
  })
  .refine((p) => !(p.range === "auto" && p.autorange === false), {
    message: 'range "auto" contradicts autorange: false',
    path: ["autorange"],
  })
  .refine((p) => !(typeof p.range === "number" && p.autorange === true), {
    message: "a fixed range contradicts autorange: true",
    path: ["autorange"],
  });

/** A Keithley 6485 picoammeter on its own serial port (or a terminal server). */
export const keithley6485Driver: DriverSpec<z.infer<typeof params>> = {
  name: "keithley.6485",
  description: "Keithley 6485 picoammeter (SCPI over RS-232)",
  params,
  takes: { units: true },
  transports: ["serial", "tcp"],
  build: ({ name, clock, params: p, transport, units, shared, byteLink }) => {
    if (units !== undefined && units !== "A") {
      throw new Error(`units: a 6485 reads amperes, so units must be "A", got "${units}"`);
    }
    return new Keithley6485({
      name,
      clock,
      range: p.range,
      autorange: p.autorange,
      nplc: p.nplc,
      lineFrequency: p.lineFrequency,
      readTimeout: p.timeout,
      channel: shared(portKey(transport), () =>
        keithley6485Channel(byteLink({ lineEnd: KEITHLEY6485_LINE.commandTerminator }), {
          clock,
          timeout: p.timeout,
        }),
      ),
    });
  },
};
