import type { Device } from "./device.js";
import { HilError } from "./errors.js";
import type { MockPut, MockPutCallback, MockSignalBackend } from "./mock-signal-backend.js";
import { SignalR } from "./signal.js";

/** One put of a device's mocked signal, named, as in ophyd-async's `get_mock(device).mock_calls`. */
export interface NamedMockPut {
  readonly signal: string;
  readonly value: unknown;
  readonly wait: boolean;
}

/** The mock behind `signal`, or an error naming the signal when it is not in mock mode. */
export function mockOf<T>(signal: SignalR<T>): MockSignalBackend<T> {
  const mock = signal.mock;
  if (!mock) {
    throw new HilError(
      "HIL_NOT_MOCKED",
      `${signal.name || "the signal"} is not in mock mode: connect it with {mock: true} first`,
    );
  }
  return mock;
}

/** Sets a mocked signal's value as if the hardware reported it; subscribers hear of it. */
export function setMockValue<T>(signal: SignalR<T>, value: T): void {
  mockOf(signal).setValue(signal.datatype.check(value, signal.name));
}

/**
 * Runs `callback` on every later write to a mocked signal, after the value is stored; the
 * write waits for it. One hook per signal: a new one replaces the last (a device may set a
 * default, as a Motor does on its setpoint). Undefined removes it.
 */
export function callbackOnMockPut<T>(
  signal: SignalR<T>,
  callback: MockPutCallback<T> | undefined,
): void {
  mockOf(signal).onPut(callback);
}

/** The values written to a mocked signal, oldest first (ophyd-async's `get_mock_put(s).call_args_list`). */
export function getMockPuts<T>(signal: SignalR<T>): Array<MockPut<T>> {
  return mockOf(signal).getPuts();
}

/** Forgets the puts a mocked signal has recorded, e.g. those of connect(). */
export function resetMockPuts<T>(signal: SignalR<T>): void {
  mockOf(signal).clearPuts();
}

/** The puts of every mocked signal in a device (or a signal), in the order they happened. */
export function getMockPutLog(device: Device): NamedMockPut[] {
  const puts: Array<NamedMockPut & { order: number }> = [];
  for (const signal of mockedSignals(device)) {
    for (const { value, wait, order } of signal.mock!.getOrderedPuts()) {
      puts.push({ signal: signal.name, value, wait, order });
    }
  }
  puts.sort((a, b) => a.order - b.order);
  return puts.map(({ signal, value, wait }) => ({ signal, value, wait }));
}

function* mockedSignals(device: Device): Generator<SignalR<unknown>> {
  if (device instanceof SignalR && device.mock) yield device as SignalR<unknown>;
  for (const child of device.children().values()) yield* mockedSignals(child);
}
