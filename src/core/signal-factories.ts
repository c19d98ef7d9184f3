import type { Clock } from "./clock.js";
import type { Datatype } from "./datatype.js";
import type { SignalMetadata } from "./signal-backend.js";
import type { SignalOptions } from "./signal.js";
import { SignalR, SignalRW } from "./signal.js";
import { SimSignalBackend } from "./sim-signal-backend.js";
import { SoftSignalBackend } from "./soft-signal-backend.js";

export interface SoftSignalOptions extends SignalOptions, SignalMetadata {
  clock?: Clock;
}

function softBackend<T>(
  datatype: Datatype<T>,
  initial: T | undefined,
  { name, kind, ...backendOptions }: SoftSignalOptions,
): [SoftSignalBackend<T>, SignalOptions] {
  const checked = initial === undefined ? undefined : datatype.check(initial, name ?? "soft");
  return [new SoftSignalBackend(datatype, { ...backendOptions, initial: checked }), { name, kind }];
}

/** A writable in-memory signal. */
export function softSignalRW<T>(
  datatype: Datatype<T>,
  initial?: T,
  options: SoftSignalOptions = {},
): SignalRW<T> {
  return new SignalRW(...softBackend(datatype, initial, options));
}

/**
 * A read-only in-memory signal and the setter only its owner keeps, e.g. a device's
 * "moving" flag that users may watch but not write.
 */
export function softSignalRAndSetter<T>(
  datatype: Datatype<T>,
  initial?: T,
  options: SoftSignalOptions = {},
): [SignalR<T>, (value: T) => void] {
  const [backend, signalOptions] = softBackend(datatype, initial, options);
  const signal = new SignalR(backend, signalOptions);
  return [signal, (value) => backend.set(datatype.check(value, signal.name))];
}

export interface SimSignalOptions extends SignalOptions, SignalMetadata {
  clock: Clock;
  /** Names the model in the data key's source. */
  model?: string;
}

/**
 * A read-only signal computed by a model, and the function the model calls when the value
 * changes so subscribers hear of it.
 */
export function simSignalR<T>(
  datatype: Datatype<T>,
  read: () => T,
  { name, kind, ...backendOptions }: SimSignalOptions,
): [SignalR<T>, () => void] {
  const backend = new SimSignalBackend(datatype, { ...backendOptions, read });
  return [new SignalR(backend, { name, kind }), () => backend.notify()];
}

/** A writable signal whose value lives in a model. */
export function simSignalRW<T>(
  datatype: Datatype<T>,
  access: { read: () => T; write: (value: T) => void | Promise<void> },
  { name, kind, ...backendOptions }: SimSignalOptions,
): SignalRW<T> {
  return new SignalRW(new SimSignalBackend(datatype, { ...backendOptions, ...access }), {
    name,
    kind,
  });
}
