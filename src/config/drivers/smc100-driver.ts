import { z } from "zod";
import { SMC100_LINE, Smc100Motor, smc100Channel } from "../../../drivers/newport-smc100/index.js";
import type { DriverSpec } from "../registry.js";
import { portKey } from "../transport-factory.js";
import { configNumber } from "../value-schemas.js";

const params = z.strictObject({
  /** Controller address on the RS-485 chain. */
  address: configNumber(z.number().int().min(1).max(31)).default(1),
  homeOnConnect: z.boolean().default(false),
  /** Seconds between status polls while moving. */
  pollPeriod: configNumber(z.number().positive()).optional(),
  /** Seconds a reply may take. */
  timeout: configNumber(z.number().positive()).optional(),
  retries: configNumber(z.number().int().min(0)).optional(),
});

/** A Newport SMC100 axis; the axes on one port share its channel. */
export const smc100Driver: DriverSpec<z.infer<typeof params>> = {
  name: "newport.smc100",
  description: "Newport SMC100CC/PP single-axis motion controller (RS-232 ASCII)",
  params,
  takes: { units: true, limits: true },
  transports: ["serial", "tcp"],
  build: ({ name, clock, params: p, transport, units, limits, shared, byteLink }) =>
    new Smc100Motor({
      name,
      clock,
      limits,
      address: p.address,
      homeOnConnect: p.homeOnConnect,
      pollPeriod: p.pollPeriod,
      units,
      channel: shared(portKey(transport), () =>
        smc100Channel(byteLink({ lineEnd: SMC100_LINE.terminator }), {
          clock,
          timeout: p.timeout,
          retries: p.retries,
        }),
      ),
    }),
};
