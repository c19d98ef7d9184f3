import type { Datatype } from "./datatype.js";
import type { ConnectOptions, DeviceOptions, Hints, Kind } from "./device.js";
import { Device } from "./device.js";
import { NotConnectedError, ReadOnlyError, SignalReadError } from "./errors.js";
import type { DataKeys, Reading, Readings } from "./reading.js";
import type { SignalBackend } from "./signal-backend.js";
import { Status } from "./status.js";

export type SignalOptions = DeviceOptions;

export interface SignalSubscribeOptions {
  /**
   * Told when the first reading cannot be taken, with an error naming the signal. Without
   * it the error is logged: a subscriber never ends the process with an unhandled rejection.
   */
  onError?: (error: SignalReadError) => void;
}

export interface SetOptions {
  /** Wait for the backend to report the write complete (default true). */
  wait?: boolean;
  /** Seconds, on the backend's clock, before the returned Status fails. */
  timeout?: number;
}

/**
 * A named value from a backend that can be read, described and watched. As ophyd's Signal, a
 * signal made on its own is `hinted` (tables and plots show it) and its configuration is its
 * reading; as a device's child it is `normal` unless the device says otherwise.
 */
export class SignalR<T> extends Device {
  readonly backend: SignalBackend<T>;
  /** Each subscriber, and whether it has had a reading yet. */
  private readonly subscribers = new Map<(reading: Reading<T>) => void, boolean>();

  constructor(backend: SignalBackend<T>, options: SignalOptions = {}) {
    super(options);
    this.backend = backend;
  }

  get datatype(): Datatype<T> {
    return this.backend.datatype;
  }

  get source(): string {
    return this.backend.source(this.name);
  }

  /** The current value. */
  get(): Promise<T> {
    return this.backend.getValue();
  }

  override async read(): Promise<Readings> {
    if (this.backend.readingNow) return { [this.name]: this.backend.readingNow() };
    return { [this.name]: await this.backend.getReading() };
  }

  override canReadNow(): boolean {
    return this.read === SignalR.prototype.read && this.backend.readingNow !== undefined;
  }

  override readNow(): Readings {
    return { [this.name]: this.backend.readingNow!() };
  }

  override async describe(): Promise<DataKeys> {
    return { [this.name]: await this.backend.getDataKey(this.source) };
  }

  override readConfiguration(): Promise<Readings> {
    return this.read();
  }

  override describeConfiguration(): Promise<DataKeys> {
    return this.describe();
  }

  protected override defaultKind(): Kind {
    return "hinted";
  }

  protected override isLeaf(): boolean {
    return true;
  }

  override get hints(): Hints {
    return { fields: this.kind === "hinted" ? [this.name] : [] };
  }

  override async connect({ timeout = 10 }: ConnectOptions = {}): Promise<void> {
    try {
      await this.backend.connect(timeout);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      const named = new Error(`${this.source}: ${cause.message}`, { cause });
      throw new NotConnectedError(this.name, new Map([[this.name, named]]));
    }
  }

  override async disconnect(): Promise<void> {
    await this.backend.disconnect?.();
  }

  /** Calls `callback` with the current reading and then with every change; returns unsubscribe. */
  subscribe(
    callback: (reading: Reading<T>) => void,
    { onError }: SignalSubscribeOptions = {},
  ): () => void {
    if (this.subscribers.size === 0) this.backend.setCallback(this.fanOut);
    this.subscribers.set(callback, false);
    this.backend.getReading().then(
      (reading) => {
        // A change that arrived meanwhile is newer than this first reading.
        if (this.subscribers.get(callback) === false) this.fanOutTo(callback, reading);
      },
      (cause: unknown) => {
        if (!this.subscribers.has(callback)) return;
        const error = new SignalReadError(this.name, cause);
        if (onError) onError(error);
        else console.warn(`${error.message} (a subscriber waits for its first change)`);
      },
    );
    return () => {
      this.subscribers.delete(callback);
      if (this.subscribers.size === 0) this.backend.setCallback(undefined);
    };
  }

  /** Like subscribe(), with the bare value. */
  subscribeValue(callback: (value: T) => void, options?: SignalSubscribeOptions): () => void {
    return this.subscribe((reading) => callback(reading.value), options);
  }

  private readonly fanOut = (reading: Reading<T>): void => {
    for (const subscriber of this.subscribers.keys()) this.fanOutTo(subscriber, reading);
  };

  private fanOutTo(subscriber: (reading: Reading<T>) => void, reading: Reading<T>): void {
    this.subscribers.set(subscriber, true);
    deliver(subscriber, reading);
  }
}

/** A signal that can also be written; set() checks the value against the datatype first. */
export class SignalRW<T> extends SignalR<T> {
  set(value: T, { wait = true, timeout }: SetOptions = {}): Status {
    const options = {
      name: `${this.name} set to ${String(value)}`,
      clock: this.backend.clock,
      ...(timeout === undefined ? {} : { timeout }),
    };
    try {
      if (!this.backend.writable) throw new ReadOnlyError(this.name);
      const checked = this.datatype.check(value, this.name);
      return Status.wrap(this.backend.put(checked, wait), options);
    } catch (error) {
      return Status.failed(error instanceof Error ? error : new Error(String(error)), options);
    }
  }
}

function deliver<T>(callback: (reading: Reading<T>) => void, reading: Reading<T>): void {
  try {
    callback(reading);
  } catch (error) {
    // One broken subscriber must not starve the others; the error still surfaces.
    queueMicrotask(() => {
      throw error;
    });
  }
}
