// A signal whose value lives in an EPICS PV, through the project's CA client: readings with
// the record's time stamp and severity, describe() from CTRL metadata, puts with and without
// completion, and updates from a CA monitor. A separate write PV gives ophyd-async's
// epics_signal_rw_rbv shape (write VAL, read RBV).
import {
  type AlarmSeverity,
  type Clock,
  type DataKey,
  type Datatype,
  HilError,
  makeDataKey,
  type Reading,
  type ReadingCallback,
  realClock,
  type SignalBackend,
  type SignalMetadata,
} from "../../core/index.js";
import type { CaChannel, CaClient, CaSubscription } from "../client/index.js";
import { type DbrData, dbrTypeName, epicsTimestampToUnix } from "../codec/index.js";
import { mismatch, valueOf, wireValueOf } from "./ca-values.js";

export interface CaSignalBackendOptions {
  /** The PV puts go to, when it is not the one read (a setpoint beside its readback). */
  readonly writePv?: string;
  readonly writable?: boolean;
  readonly clock?: Clock;
}

const finiteOrNull = (x: number | undefined): number | null =>
  x === undefined || !Number.isFinite(x) ? null : x;

/** Units, precision and limits as a CTRL reply gives them. */
function metadataOf(data: DbrData): SignalMetadata {
  const range = (low: number | undefined, high: number | undefined) =>
    finiteOrNull(low) === null && finiteOrNull(high) === null
      ? undefined
      : { low: finiteOrNull(low), high: finiteOrNull(high) };
  const limits = {
    control: range(data.lowerControlLimit, data.upperControlLimit),
    display: range(data.lowerDisplayLimit, data.upperDisplayLimit),
    warning: range(data.lowerWarningLimit, data.upperWarningLimit),
    alarm: range(data.lowerAlarmLimit, data.upperAlarmLimit),
  };
  const present = Object.fromEntries(Object.entries(limits).filter(([, r]) => r !== undefined));
  return {
    ...(data.units === undefined ? {} : { units: data.units }),
    ...(data.precision === undefined ? {} : { precision: data.precision }),
    ...(Object.keys(present).length > 0 ? { limits: present } : {}),
  };
}

export class CaSignalBackend<T> implements SignalBackend<T> {
  readonly clock: Clock;
  readonly writable: boolean;
  metadata: SignalMetadata = {};
  #read: CaChannel | undefined;
  #write: CaChannel | undefined;
  #enumStrings: readonly string[] = [];
  #subscription: CaSubscription | undefined;
  #callback: ReadingCallback<T> | undefined;
  #connected = false;

  constructor(
    private readonly client: CaClient,
    readonly datatype: Datatype<T>,
    readonly pv: string,
    private readonly options: CaSignalBackendOptions = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.writable = options.writable ?? true;
  }

  source(): string {
    return `ca://${this.pv}`;
  }

  /**
   * Connects the channels; a PV that does not answer fails naming it and where it was
   * searched for, and a native type the datatype cannot hold fails naming both.
   */
  async connect(timeout: number): Promise<void> {
    this.#read = this.client.channel(this.pv);
    const writePv = this.options.writePv;
    this.#write = writePv ? this.client.channel(writePv) : this.#read;
    await Promise.all([this.#read.connected(timeout), this.#write.connected(timeout)]);
    const ctrl = await this.#read.get({ type: "ctrl", timeout });
    this.#enumStrings = ctrl.enumStrings ?? [];
    const native = this.#read.nativeType!;
    const count = this.#read.nativeCount!;
    const why = mismatch(this.datatype, native, count, this.#enumStrings);
    if (why) {
      throw new HilError(
        "HIL_DATATYPE",
        `${this.pv}: the channel (native ${dbrTypeName(native)} × ${count}) ${why} ` +
          `for ${this.datatype.name}`,
      );
    }
    this.metadata = metadataOf(ctrl);
    this.#connected = true;
    if (this.#callback && !this.#subscription) this.#monitor(this.#callback);
  }

  async disconnect(): Promise<void> {
    this.#connected = false;
    this.#subscription?.cancel();
    this.#subscription = undefined;
    this.#read?.close();
    if (this.#write !== this.#read) this.#write?.close();
  }

  async getReading(): Promise<Reading<T>> {
    return this.#reading(await this.#channel().get({ type: "time" }));
  }

  async getValue(): Promise<T> {
    return (await this.getReading()).value;
  }

  async put(value: T, wait: boolean): Promise<void> {
    const channel = this.#write ?? this.#channel();
    await channel.put(wireValueOf(value), { wait });
  }

  async getDataKey(source: string): Promise<DataKey> {
    const { value } = await this.getReading();
    return makeDataKey(this.datatype, value, source, this.metadata);
  }

  /** A subscriber may come before connect(): its monitor starts once the channel is there. */
  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.#callback = callback;
    this.#subscription?.cancel();
    this.#subscription = undefined;
    if (callback && this.#connected) this.#monitor(callback);
  }

  #monitor(callback: ReadingCallback<T>): void {
    this.#subscription = this.#channel().monitor({ type: "time" }, (data) =>
      callback(this.#reading(data)),
    );
  }

  #channel(): CaChannel {
    if (!this.#read) throw new Error(`${this.pv}: not connected`);
    return this.#read;
  }

  #reading(data: DbrData): Reading<T> {
    return {
      value: valueOf(this.datatype, data, this.#enumStrings),
      timestamp: data.timestamp ? epicsTimestampToUnix(data.timestamp) : this.clock.now(),
      alarm_severity: Math.min(Math.max(data.severity ?? 0, 0), 3) as AlarmSeverity,
    };
  }
}
