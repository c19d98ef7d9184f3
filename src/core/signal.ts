import type { Datatype } from "./datatype.js";
import type { ConnectOptions, DeviceOptions, Hints, Kind } from "./device.js";
import { Device } from "./device.js";
import { NotConnectedError, ReadOnlyError, SignalReadError } from "./errors.js";
import type { DataKeys, Reading, Readings } from "./reading.js";
import { MockSignalBackend } from "./mock-signal-backend.js";
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
  /** The backend the signal was made with: the hardware, model or memory it stands for. */
  private readonly realBackend: SignalBackend<T>;
  /** Made by the first connect({mock: true}) and kept, so its puts survive a reconnect. */
  private mockBackend: MockSignalBackend<T> | undefined;
  /** The one of the two in use. */
  private activeBackend: SignalBackend<T>;
  /** Each subscriber, and whether it has had a reading yet. */
  private readonly subscribers = new Map<(reading: Reading<T>) => void, boolean>();

  constructor(backend: SignalBackend<T>, options: SignalOptions = {}) {
    super(options);
    this.realBackend = backend;
    this.activeBackend = backend;
  }

  /** The backend in use: the real one, or its mock after connect({mock: true}). */
  get backend(): SignalBackend<T> {
    return this.activeBackend;
  }

  /** The mock standing in for the real backend, while connected with {mock: true}. */
  get mock(): MockSignalBackend<T> | undefined {
    return this.activeBackend === this.mockBackend ? this.mockBackend : undefined;
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

  /**
   * Connects the real backend, or with `mock` swaps it for a MockSignalBackend without
   * connecting it (so no transport is opened); subscribers move to whichever is in use.
   */
  override async connect({ timeout = 10, mock = false }: ConnectOptions = {}): Promise<void> {
    if (mock) {
      this.useBackend((this.mockBackend ??= new MockSignalBackend(this.realBackend)));
      return;
    }
    this.useBackend(this.realBackend);
    try {
      await this.realBackend.connect(timeout);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      const named = new Error(`${this.source}: ${cause.message}`, { cause });
      throw new NotConnectedError(this.name, new Map([[this.name, named]]));
    }
  }

  override async disconnect(): Promise<void> {
    await this.backend.disconnect?.();
  }

  /** The one place the backend changes: subscribers follow, and hear the new one's value. */
  private useBackend(next: SignalBackend<T>): void {
    const previous = this.activeBackend;
    if (next === previous) return;
    this.activeBackend = next;
    if (this.subscribers.size === 0) return;
    previous.setCallback(undefined);
    next.setCallback(this.fanOut);
    if (next.readingNow) this.fanOut(next.readingNow());
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
