import { z } from "zod";
import {
  HEATER_RANGES,
  INPUTS,
  LAKESHORE336_LINE,
  LakeShore336,
  OUTPUTS,
  VOLTAGE_RANGES,
  lakeshore336Channel,
  rangeChoices,
} from "../../../drivers/lakeshore-336/index.js";
import type { BuildContext, DriverSpec } from "../registry.js";
import { configNumber } from "../value-schemas.js";

const params = z.strictObject({
  /** The sensor input read as the temperature. */
  input: z.enum(INPUTS).default("A"),
  /** The control output set() writes the setpoint of (1, 2 heaters; 3, 4 analog). */
  output: configNumber(z.literal(OUTPUTS)).default(1),
  /** Written at connect: Off/Low/Medium/High for a heater, Off/On for outputs 3 and 4. */
  range: z.enum([...HEATER_RANGES, ...VOLTAGE_RANGES.slice(1)]).optional(),
  /** K: a set() is done once the temperature stays this close... */
  tolerance: configNumber(z.number().positive()).optional(),
  /** ...for this many seconds. */
  settleTime: configNumber(z.number().min(0)).optional(),
  /** Seconds between reads while settling. */
  pollPeriod: configNumber(z.number().positive()).optional(),
  /** Seconds a reply may take. */
  timeout: configNumber(z.number().positive()).optional(),
});

type Params = z.infer<typeof params>;

/** One control loop of a Lake Shore 336; the loops of one instrument share its channel. */
export const lakeshore336Driver: DriverSpec<Params> = {
  name: "lakeshore.336",
  description:
    "Lake Shore Model 336 cryogenic temperature controller (TCP port 7777 or USB serial)",
  params,
  takes: { units: true },
  transports: ["tcp", "serial"],
  build: ({ name, clock, params: p, transport, units, shared, byteLink }: BuildContext<Params>) => {
    if (units !== undefined && units !== "K") {
      throw new Error(
        `units: a 336 loop reads kelvin (KRDG?), so units must be "K", got "${units}"`,
      );
    }
    const takes = rangeChoices(p.output);
    if (p.range !== undefined && !takes.includes(p.range)) {
      throw new Error(`range: output ${p.output} takes ${takes.join(", ")}, got "${p.range}"`);
    }
    if (transport.type === "serial") checkSerialFraming(transport);
    const key =
      transport.type === "tcp"
        ? `tcp:${transport.host}:${transport.port}`
        : transport.type === "serial"
          ? `serial:${transport.path}`
          : transport.type;
    return new LakeShore336({
      name,
      clock,
      input: p.input,
      output: p.output,
      range: p.range,
      tolerance: p.tolerance,
      settleTime: p.settleTime,
      pollPeriod: p.pollPeriod,
      channel: shared(`lakeshore.336 ${key}`, () =>
        lakeshore336Channel(byteLink({ lineEnd: LAKESHORE336_LINE.commandTerminator }), {
          clock,
          timeout: p.timeout,
        }),
      ),
    });
  },
};

/** The 336's USB port runs 7O1: at 8N1 a real unit answers garbage, so the config must say so. */
function checkSerialFraming(transport: {
  dataBits: number;
  parity: string;
  stopBits: number;
}): void {
  const { dataBits, parity, stopBits } = transport;
  if (
    dataBits !== LAKESHORE336_LINE.dataBits ||
    parity !== LAKESHORE336_LINE.parity ||
    stopBits !== 1
  ) {
    throw new Error(
      `transport: a 336's serial port runs ${LAKESHORE336_LINE.baud} baud, 7 data bits, odd parity, ` +
        `1 stop bit; give dataBits: 7, parity: odd (got ${dataBits} data bits, parity ${parity}, ` +
        `${stopBits} stop bit(s))`,
    );
  }
}
