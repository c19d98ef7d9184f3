/**
 * One error base for the project; each failure kind has its own subclass with a stable
 * `code`, so callers can branch on the code and people can read the message.
 */
export class HilError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A Status did not finish within its timeout. */
export class StatusTimeoutError extends HilError {
  constructor(what: string, timeout: number) {
    super("HIL_STATUS_TIMEOUT", `${what} did not finish within ${timeout} s`);
  }
}

/** A motion ended before reaching its target (stop(), a limit switch, a fault). */
export class MoveInterruptedError extends HilError {
  readonly position: number;
  readonly target: number;

  constructor(device: string, target: number, position: number, why: string) {
    super("HIL_MOVE_INTERRUPTED", `${device}: move to ${target} ${why} at ${position}`);
    this.position = position;
    this.target = target;
  }
}

/** A requested value lies outside the device's limits; nothing was moved. */
export class LimitError extends HilError {
  constructor(device: string, value: number, low: number, high: number) {
    super("HIL_LIMIT", `${device}: target ${value} is outside the limits [${low}, ${high}]`);
  }
}

/** A value does not fit a signal's datatype. */
export class DatatypeError extends HilError {
  constructor(signal: string, expected: string, got: unknown) {
    super("HIL_DATATYPE", `${signal}: expected ${expected}, got ${describeValue(got)}`);
  }
}

/** A device or signal could not connect; `failures` maps each child's name to its error. */
export class NotConnectedError extends HilError {
  readonly failures: ReadonlyMap<string, Error>;

  constructor(device: string, failures: ReadonlyMap<string, Error>) {
    const lines = [...failures].map(([name, error]) => `  ${name}: ${error.message}`);
    super("HIL_NOT_CONNECTED", `${device} failed to connect:\n${lines.join("\n")}`);
    this.failures = failures;
  }
}

/** Staging twice, or unstaging what was not staged. */
export class StagingError extends HilError {
  constructor(device: string, message: string) {
    super("HIL_STAGING", `${device}: ${message}`);
  }
}

/** A configure() with a setting the device does not have. */
export class ConfigurationError extends HilError {
  constructor(device: string, message: string) {
    super("HIL_CONFIGURATION", `${device}: ${message}`);
  }
}

/** A write to a signal that cannot be written. */
/** A signal could not be read, e.g. for a subscriber's first reading; names the signal. */
export class SignalReadError extends HilError {
  readonly signal: string;

  constructor(signal: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super("HIL_SIGNAL_READ", `reading ${signal} failed: ${message}`, { cause });
    this.signal = signal;
  }
}

export class ReadOnlyError extends HilError {
  constructor(signal: string) {
    super("HIL_READ_ONLY", `${signal} is read-only`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return String(value);
}
