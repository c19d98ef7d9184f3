// One loop of a 336 (an input read, an output controlled) as signals over its exchanges.
// set(), stop() and connect() go through these, so connect({mock: true}), which swaps every
// backend for a mock, runs the same logic.
import type { Clock } from "../../src/core/index.js";
import { SignalR, SignalRW, datatype } from "../../src/core/index.js";
import { QuerySignalBackend } from "../../src/transports/index.js";
import { KelvinBackend } from "./kelvin-backend.js";
import type { LakeShore336Exchanges } from "./lakeshore-336-exchanges.js";
import type { Input, Output, PidGains } from "./protocol.js";
import {
  commands,
  isHeater,
  parseInteger,
  parseKelvin,
  parseNumber,
  parsePid,
  parseRamp,
  parseRampStatus,
  rangeChoices,
} from "./protocol.js";

export interface LakeShore336Signals {
  /** KRDG? <input>, K, with RDGST? <input> as alarm severity. */
  readonly temperature: SignalR<number>;
  /** SETP? / SETP <output>, K. */
  readonly setpoint: SignalRW<number>;
  /** HTR? (outputs 1, 2) or AOUT? (3, 4), %. */
  readonly heater: SignalR<number>;
  /** RAMP: the rate in K/min while the ramp is on, 0 when off; writing 0 turns it off. */
  readonly rampRate: SignalRW<number>;
  /** RAMPST?: the setpoint is ramping. */
  readonly ramping: SignalR<boolean>;
  /** RANGE: Off/Low/Medium/High (heaters) or Off/On (voltage outputs). */
  readonly range: SignalRW<string>;
  /** PID: each gain written with the other two as read back. */
  readonly proportional: SignalRW<number>;
  readonly integral: SignalRW<number>;
  readonly derivative: SignalRW<number>;
  /** From now on reads ask the instrument; until then they answer from memory. */
  goLive(): void;
}

export interface LakeShore336SignalsOptions {
  clock: Clock;
  input: Input;
  output: Output;
}

export function lakeshore336Signals(
  exchanges: LakeShore336Exchanges,
  { clock, input, output }: LakeShore336SignalsOptions,
): LakeShore336Signals {
  let connected = false;
  const live = (): boolean => connected;
  const source = (what: string): string => `lakeshore336://${exchanges.port}/${what}`;
  const kelvin = { clock, live, units: "K", precision: 3, initial: Number.NaN };
  const set = async (command: string): Promise<undefined> => {
    await exchanges.request([command]);
    return undefined;
  };

  const temperature = new KelvinBackend(exchanges, input, clock, live);
  const setpoint = new QuerySignalBackend(datatype.float, {
    ...kelvin,
    source: source(`SETP/${output}`),
    read: () => exchanges.ask(commands.setpoint(output), parseKelvin),
    write: (value) => set(commands.setpoint(output, value)),
  });
  const heaterQuery = isHeater(output) ? commands.heater(output) : commands.analogOutput(output);
  const heater = new QuerySignalBackend(datatype.float, {
    clock,
    live,
    units: "%",
    precision: 1,
    initial: Number.NaN,
    source: source(`${heaterQuery.split("?")[0]}/${output}`),
    read: () => exchanges.ask(heaterQuery, (reply, command) => parseNumber(reply, command)),
  });
  const rampRate = new QuerySignalBackend(datatype.float, {
    clock,
    live,
    units: "K/min",
    precision: 1,
    initial: Number.NaN,
    source: source(`RAMP/${output}`),
    read: async () => {
      const ramp = await exchanges.ask(commands.ramp(output), parseRamp);
      return ramp.on ? ramp.rate : 0;
    },
    // 0 turns the ramp off and keeps the rate the instrument has (it takes 0.1..100 only).
    write: (rate) =>
      exchanges.exclusive(async () => {
        const query = commands.ramp(output);
        const [reply] = await exchanges.requestNow([query]);
        const { rate: kept } = exchanges.parse(() => parseRamp(reply!, query));
        const on = rate > 0;
        await exchanges.requestNow([commands.ramp(output, { on, rate: on ? rate : kept })]);
        return undefined;
      }),
  });
  const ramping = new QuerySignalBackend(datatype.boolean, {
    clock,
    live,
    initial: false,
    source: source(`RAMPST/${output}`),
    read: () => exchanges.ask(commands.rampStatus(output), parseRampStatus),
  });
  const choices = rangeChoices(output);
  const range = new QuerySignalBackend(datatype.enumeration(choices), {
    clock,
    live,
    initial: choices[0]!,
    source: source(`RANGE/${output}`),
    read: async () => {
      const index = await exchanges.ask(commands.range(output), (reply, command) =>
        parseInteger(reply, command, choices.length - 1),
      );
      return choices[index]!;
    },
    write: (name) => set(commands.range(output, choices.indexOf(name))),
  });
  const gain = (key: keyof PidGains, units?: string) =>
    new QuerySignalBackend(datatype.float, {
      clock,
      live,
      initial: Number.NaN,
      precision: 1,
      ...(units === undefined ? {} : { units }),
      source: source(`PID/${output}/${key.toUpperCase()}`),
      read: async () => (await exchanges.ask(commands.pid(output), parsePid))[key],
      write: (value) =>
        exchanges.exclusive(async () => {
          const query = commands.pid(output);
          const [reply] = await exchanges.requestNow([query]);
          const gains = { ...exchanges.parse(() => parsePid(reply!, query)), [key]: value };
          await exchanges.requestNow([commands.pid(output, gains)]);
          return undefined;
        }),
    });
  return {
    temperature: new SignalR(temperature),
    setpoint: new SignalRW(setpoint),
    heater: new SignalR(heater),
    rampRate: new SignalRW(rampRate),
    ramping: new SignalR(ramping),
    range: new SignalRW(range),
    proportional: new SignalRW(gain("p")),
    integral: new SignalRW(gain("i")),
    derivative: new SignalRW(gain("d", "%")),
    goLive: () => {
      connected = true;
    },
  };
}
