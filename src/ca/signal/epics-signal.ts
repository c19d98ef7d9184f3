// ophyd-async's epics_signal_r / _rw / _rw_rbv / _x shapes over the project's CA client:
//   epicsSignalRW(client, datatype.float, "BL:m1.VAL", { name: "m1_setpoint" })
import {
  type Datatype,
  datatype,
  SignalR,
  SignalRW,
  type SignalOptions,
} from "../../core/index.js";
import type { CaClient } from "../client/index.js";
import { CaSignalBackend, type CaSignalBackendOptions } from "./ca-signal-backend.js";

export type EpicsSignalOptions = SignalOptions & Pick<CaSignalBackendOptions, "clock">;

/** A read-only signal on a PV. */
export function epicsSignalR<T>(
  client: CaClient,
  type: Datatype<T>,
  pv: string,
  { clock, ...options }: EpicsSignalOptions = {},
): SignalR<T> {
  return new SignalR(new CaSignalBackend(client, type, pv, { writable: false, clock }), options);
}

/** A signal read and written on one PV. */
export function epicsSignalRW<T>(
  client: CaClient,
  type: Datatype<T>,
  pv: string,
  { clock, ...options }: EpicsSignalOptions = {},
): SignalRW<T> {
  return new SignalRW(new CaSignalBackend(client, type, pv, { clock }), options);
}

/** A signal written on one PV (a setpoint) and read on another (its readback, `PV_RBV`). */
export function epicsSignalRWRbv<T>(
  client: CaClient,
  type: Datatype<T>,
  writePv: string,
  readSuffix = "_RBV",
  { clock, ...options }: EpicsSignalOptions = {},
): SignalRW<T> {
  const backend = new CaSignalBackend(client, type, `${writePv}${readSuffix}`, { writePv, clock });
  return new SignalRW(backend, options);
}

/** A trigger: writing 1 (with completion) makes the IOC act, e.g. a record's PROC. */
export function epicsSignalX(
  client: CaClient,
  pv: string,
  { clock, ...options }: EpicsSignalOptions = {},
): SignalRW<number> {
  return new SignalRW(new CaSignalBackend(client, datatype.int, pv, { clock }), options);
}
