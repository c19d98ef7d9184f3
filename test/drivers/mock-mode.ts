// What the drivers' mock-mode tests share. A device connected with {mock: true} must open,
// send and close nothing, so it gets a stand-in line that records and refuses every use, and
// the test asserts that `uses` stayed empty.
import { expect } from "vitest";
import type { Device } from "../../src/core/index.js";
import { getMockPutLog } from "../../src/core/index.js";
import type { ModbusClientLike } from "../../src/transports/index.js";

export interface Untouched {
  /** What was tried, in order: "open", "query 1TP", "readHoldingRegisters", ... */
  readonly uses: string[];
}

/** A request channel (as the serial drivers take one): open, query, write and close. */
export interface UntouchedChannel extends Untouched {
  readonly name: string;
  open(): Promise<void>;
  query(command: string): Promise<string>;
  write(command: string): Promise<void>;
  close(): Promise<void>;
}

export function untouchedChannel(): UntouchedChannel {
  const { uses, refuse } = refuser("channel");
  return {
    name: "serial:/dev/nowhere",
    uses,
    open: () => refuse("open"),
    query: (command) => refuse(`query ${command}`),
    write: (command) => refuse(`write ${command}`),
    close: () => refuse("close"),
  };
}

export function untouchedModbusClient(): ModbusClientLike & Untouched {
  const { uses, refuse } = refuser("Modbus client");
  const method = (name: string) => () => refuse(name);
  return {
    unitId: 1,
    port: "modbus-tcp:192.0.2.1:502",
    url: "modbus://192.0.2.1:502",
    uses,
    connect: method("connect"),
    close: method("close"),
    readHoldingRegisters: method("readHoldingRegisters"),
    readInputRegisters: method("readInputRegisters"),
    readCoils: method("readCoils"),
    readDiscreteInputs: method("readDiscreteInputs"),
    writeRegister: method("writeRegister"),
    writeRegisters: method("writeRegisters"),
    writeCoil: method("writeCoil"),
    writeCoils: method("writeCoils"),
  };
}

/** Disconnects a mocked device and checks that it closed nothing. */
export async function expectDisconnectUntouched(device: Device, line: Untouched): Promise<void> {
  await device.disconnect();
  expect(line.uses).toEqual([]);
}

/** Checks that `move` fails with `error` and that `device` put nothing on its way there. */
export async function expectRefusedBeforeAnyPut(
  device: Device,
  move: PromiseLike<unknown>,
  error: new (...args: never[]) => Error,
): Promise<void> {
  await expect(move).rejects.toThrow(error);
  expect(getMockPutLog(device)).toEqual([]);
}

function refuser(line: string): { uses: string[]; refuse: (what: string) => Promise<never> } {
  const uses: string[] = [];
  const refuse = (what: string): Promise<never> => {
    uses.push(what);
    return Promise.reject(new Error(`${what} on a mocked device's ${line}`));
  };
  return { uses, refuse };
}
