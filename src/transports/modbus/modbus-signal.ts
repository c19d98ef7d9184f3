import type { SignalMetadata, SignalOptions } from "../../core/index.js";
import { SignalR, SignalRW } from "../../core/index.js";
import type { ModbusClientLike } from "./modbus-client-like.js";
import type {
  ModbusRegisterBackendOptions,
  ModbusRegisterSpec,
  ModbusValue,
  ModbusWritableSpec,
} from "./modbus-register-backend.js";
import { ModbusRegisterBackend } from "./modbus-register-backend.js";

export interface ModbusSignalOptions extends SignalOptions, SignalMetadata {
  clock?: ModbusRegisterBackendOptions["clock"];
  /** Seconds between polls while subscribed (default 0.5). */
  pollPeriod?: number;
}

function backend<S extends ModbusRegisterSpec>(
  client: ModbusClientLike,
  spec: S,
  { name, kind, ...backendOptions }: ModbusSignalOptions,
): [ModbusRegisterBackend<ModbusValue<S>>, SignalOptions] {
  return [new ModbusRegisterBackend(client, spec, backendOptions), { name, kind }];
}

/**
 * A read-only signal on a Modbus register, e.g.
 * `modbusSignalR(client, {table: "input", address: 0x10, type: "float32"}, {name: "t1"})`.
 */
export function modbusSignalR<const S extends ModbusRegisterSpec>(
  client: ModbusClientLike,
  spec: S,
  options: ModbusSignalOptions = {},
): SignalR<ModbusValue<S>> {
  return new SignalR(...backend(client, spec, options));
}

/** A writable signal on a holding register (or pair) or a coil. */
export function modbusSignalRW<const S extends ModbusWritableSpec>(
  client: ModbusClientLike,
  spec: S,
  options: ModbusSignalOptions = {},
): SignalRW<ModbusValue<S>> {
  if (spec.table !== "holding" && spec.table !== "coil") {
    throw new TypeError(`a ${String(spec.table)} is read-only: use modbusSignalR`);
  }
  return new SignalRW(...backend(client, spec, options));
}
