// The axis as signals over its exchanges. Moves, stops, homing and status all go through
// these, so connect({mock: true}), which swaps every backend for a mock, runs the same logic.
import { QuerySignalBackend } from "../../src/transports/index.js";
import type { Clock } from "../../src/core/index.js";
import { SignalR, SignalRW, datatype } from "../../src/core/index.js";
import type { Smc100Status } from "./protocol.js";
import { commands } from "./protocol.js";
import type { NumberMnemonic, Smc100Exchanges } from "./smc100-exchanges.js";

export interface Smc100Signals {
  /** TP. */
  readonly readback: SignalR<number>;
  /** Reads PA?; a write sends PA with its TE checked. */
  readonly setpoint: SignalRW<number>;
  /** VA, AC, SL and SR, read with their query and written with their TE checked. */
  readonly velocity: SignalRW<number>;
  readonly acceleration: SignalRW<number>;
  readonly lowLimit: SignalRW<number>;
  readonly highLimit: SignalRW<number>;
  /** The controller state by name ("READY from MOVING"), read with TS. */
  readonly state: SignalR<string>;
  /** The positioner error bits of the last TS (each read of `state` renews them). */
  readonly positionerErrors: SignalR<number>;
  /** Writing it sends ST (with its TE checked): the axis decelerates to rest. */
  readonly stopCommand: SignalRW<boolean>;
  /** Writing it sends OR (with its TE checked): the home search, from NOT REFERENCED only. */
  readonly homeCommand: SignalRW<boolean>;
  /** Records a TS asked outside `state` (at connect), as a read of `state` would. */
  recordStatus(status: Smc100Status): void;
  /** From now on reads ask the controller; until then they answer from memory. */
  goLive(): void;
}

export interface Smc100SignalsOptions {
  clock: Clock;
  units: string;
  precision: number;
}

export function smc100Signals(
  exchanges: Smc100Exchanges,
  { clock, units, precision }: Smc100SignalsOptions,
): Smc100Signals {
  const { address, port } = exchanges;
  let connected = false;
  const live = (): boolean => connected;
  const source = (what: string): string => `smc100://${port}/${address}/${what}`;
  /** A set command's reply is its TE: the controller takes the value as sent. */
  const send = async (command: string): Promise<undefined> => {
    await exchanges.command(command);
    return undefined;
  };
  const number = (mnemonic: NumberMnemonic, unitsOf: string) =>
    new QuerySignalBackend(datatype.float, {
      clock,
      units: unitsOf,
      precision,
      source: source(mnemonic),
      initial: Number.NaN,
      live,
      read: () => exchanges.askNumber(mnemonic),
      write: mnemonic === "TP" ? undefined : (value) => send(commands[mnemonic](address, value)),
    });
  /** A command with no value, written as `true`; reading it gives the last value written. */
  const action = (mnemonic: "ST" | "OR") =>
    new QuerySignalBackend(datatype.boolean, {
      clock,
      source: source(mnemonic),
      initial: false,
      live,
      write: () => send(commands[mnemonic](address)),
    });
  const state = new QuerySignalBackend(datatype.string, {
    clock,
    source: source("TS"),
    initial: "",
    live,
    read: async () => {
      const status = await exchanges.askStatus();
      positionerErrors.update(status.errorWord);
      return status.state.name;
    },
  });
  // Recorded by each TS: reading it on its own would send a TS of its own.
  const positionerErrors = new QuerySignalBackend(datatype.int, {
    clock,
    source: source("TS/errors"),
    initial: 0,
    live,
  });
  return {
    readback: new SignalR(number("TP", units)),
    setpoint: new SignalRW(number("PA", units)),
    velocity: new SignalRW(number("VA", `${units}/s`)),
    acceleration: new SignalRW(number("AC", `${units}/s^2`)),
    lowLimit: new SignalRW(number("SL", units)),
    highLimit: new SignalRW(number("SR", units)),
    state: new SignalR(state),
    positionerErrors: new SignalR(positionerErrors),
    stopCommand: new SignalRW(action("ST")),
    homeCommand: new SignalRW(action("OR")),
    recordStatus: (status) => {
      positionerErrors.update(status.errorWord);
      state.update(status.state.name);
    },
    goLive: () => {
      connected = true;
    },
  };
}
