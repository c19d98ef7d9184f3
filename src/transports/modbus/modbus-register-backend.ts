import type {
  Clock,
  DataKey,
  Datatype,
  Reading,
  ReadingCallback,
  SignalBackend,
  SignalMetadata,
  Timer,
} from "../../core/index.js";
import { DatatypeError, datatype, makeDataKey, realClock } from "../../core/index.js";
import type { ModbusClientLike } from "./modbus-client-like.js";
import type { RegisterCodecOptions, RegisterType, WordOrder } from "./register-codec.js";
import {
  decodeRegisters,
  decodesToInteger,
  encodeRegisters,
  registerCount,
} from "./register-codec.js";

/** The four Modbus data tables. */
export type ModbusTable = "holding" | "input" | "coil" | "discrete";

/** Where a signal's value lives on the server and how it is encoded. */
export interface ModbusRegisterSpec {
  table: ModbusTable;
  /** PDU address (0-based) of the first register, coil or input. */
  address: number;
  /** Registers only (default "uint16"). */
  type?: RegisterType;
  wordOrder?: WordOrder;
  scale?: number;
  offset?: number;
  decimalPlaces?: number;
  /** Registers only: raw value i reads as choices[i] (an enum such as a controller's mode). */
  choices?: readonly string[];
  /**
   * Holding registers of one word: FC06 ("single") or FC16 ("multiple", the default, which
   * every device that writes 32-bit values supports). Coils: FC05 or FC15.
   */
  write?: "single" | "multiple";
  /** Read once on connect so a wrong address fails there (default true; off for write-only). */
  verifyOnConnect?: boolean;
}

/** A spec a signal can write: holding registers and coils. */
export type ModbusWritableSpec = ModbusRegisterSpec & { table: "holding" | "coil" };

/** The value type of a spec: boolean bits, an enum's strings, or numbers. */
export type ModbusValue<S extends ModbusRegisterSpec> = S extends { table: "coil" | "discrete" }
  ? boolean
  : S extends { choices: readonly (infer C extends string)[] }
    ? C
    : number;

export interface ModbusRegisterBackendOptions extends SignalMetadata {
  /** Timestamps readings and paces polling (default the real clock). */
  clock?: Clock;
  /** Seconds between polls while someone subscribes (default 0.5). */
  pollPeriod?: number;
}

/**
 * A signal backend on one Modbus register (or pair, or coil). Every read asks the server;
 * subscribers are served by polling on the clock, told of each change, and told once with
 * alarm severity 3 (INVALID) and the last value when a poll fails.
 */
export class ModbusRegisterBackend<
  T extends number | boolean | string,
> implements SignalBackend<T> {
  readonly datatype: Datatype<T>;
  readonly clock: Clock;
  readonly writable: boolean;
  readonly client: ModbusClientLike;
  readonly spec: Readonly<ModbusRegisterSpec>;
  readonly metadata: SignalMetadata;
  private readonly pollPeriod: number;
  private readonly codec: RegisterCodecOptions | undefined;
  private callback: ReadingCallback<T> | undefined;
  private lastNotified: Reading<T> | undefined;
  private pollTimer: Timer | undefined;
  /** Bumped when polling stops, so a poll in flight does not schedule another. */
  private pollGeneration = 0;

  constructor(
    client: ModbusClientLike,
    spec: ModbusRegisterSpec,
    { clock = realClock, pollPeriod = 0.5, ...metadata }: ModbusRegisterBackendOptions = {},
  ) {
    const { table, address, choices } = spec;
    if (!["holding", "input", "coil", "discrete"].includes(table)) {
      throw new RangeError(`table must be holding, input, coil or discrete, got ${table}`);
    }
    if (!Number.isInteger(address) || address < 0 || address > 0xffff) {
      throw new RangeError(`address must be 0..65535, got ${address}`);
    }
    if (!(pollPeriod > 0)) throw new RangeError(`pollPeriod must be > 0, got ${pollPeriod}`);
    this.client = client;
    this.spec = { ...spec };
    this.clock = clock;
    this.pollPeriod = pollPeriod;
    this.metadata = metadata;
    this.writable = table === "holding" || table === "coil";
    if (table === "coil" || table === "discrete") {
      if (spec.type !== undefined || choices !== undefined) {
        throw new RangeError(`a ${table} is one bit: it takes no type or choices`);
      }
      this.codec = undefined;
      this.datatype = datatype.boolean as Datatype<T>;
    } else {
      this.codec = { ...spec, type: spec.type ?? "uint16" };
      const integer = decodesToInteger(this.codec);
      if (choices !== undefined) {
        if (!integer) throw new RangeError("choices need an unscaled integer register type");
        this.datatype = datatype.enumeration(choices) as Datatype<T>;
      } else {
        this.datatype = (integer ? datatype.int : datatype.float) as Datatype<T>;
      }
    }
  }

  /** "modbus://127.0.0.1:502/1/holding/0x10": the address, whatever the signal's name. */
  source(): string {
    const { table, address } = this.spec;
    return `${this.client.url}/${this.client.unitId}/${table}/0x${address.toString(16)}`;
  }

  async connect(timeout: number): Promise<void> {
    await this.client.connect(timeout);
    if (this.spec.verifyOnConnect !== false) await this.getReading();
  }

  // Promise chains rather than async layers: each layer costs a read a few microtasks, and
  // a read over loopback takes only tens of microseconds.
  getReading(): Promise<Reading<T>> {
    return this.readValue().then((value) => this.stamp(value));
  }

  getValue(): Promise<T> {
    return this.readValue().then((value) => this.stamp(value).value);
  }

  async put(value: T): Promise<void> {
    const { table, address, write = "multiple" } = this.spec;
    if (table === "coil") {
      const bit = value as boolean;
      if (write === "single") await this.client.writeCoil(address, bit);
      else await this.client.writeCoils(address, [bit]);
    } else if (table === "holding") {
      const words = this.encode(value);
      if (words.length === 1 && write === "single") {
        await this.client.writeRegister(address, words[0]!);
      } else {
        await this.client.writeRegisters(address, words);
      }
    } else {
      throw new TypeError(`${this.source()}: a ${table} cannot be written`);
    }
    // Subscribers hear of the write at once rather than at the next poll.
    if (this.callback) void this.getReading().catch(() => undefined);
  }

  async getDataKey(source: string): Promise<DataKey> {
    return makeDataKey(this.datatype, this.datatype.initial, source, this.metadata);
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.callback = callback;
    this.lastNotified = undefined;
    this.pollTimer?.cancel();
    this.pollTimer = undefined;
    this.pollGeneration++;
    if (callback) this.schedulePoll(this.pollGeneration);
  }

  /** A fresh reading of `value`, taken now, that subscribers hear of. */
  private stamp(value: T): Reading<T> {
    const reading: Reading<T> = { value, timestamp: this.clock.now() };
    this.observe(reading);
    return reading;
  }

  private readValue(): Promise<T> {
    const { table, address } = this.spec;
    if (table === "coil") return this.client.readCoils(address, 1).then((bits) => bits[0] as T);
    if (table === "discrete") {
      return this.client.readDiscreteInputs(address, 1).then((bits) => bits[0] as T);
    }
    const count = registerCount(this.codec!.type);
    const words =
      table === "holding"
        ? this.client.readHoldingRegisters(address, count)
        : this.client.readInputRegisters(address, count);
    return words.then((read) => this.decode(read));
  }

  private decode(words: number[]): T {
    const number = decodeRegisters(words, this.codec!);
    const choices = this.spec.choices;
    if (!choices) return number as T;
    const choice = choices[number];
    if (choice === undefined) {
      throw new DatatypeError(this.source(), `an index into ${this.datatype.name}`, number);
    }
    return choice as T;
  }

  private encode(value: T): number[] {
    const codec = this.codec!;
    const choices = this.spec.choices;
    const number = choices ? choices.indexOf(value as string) : (value as number);
    try {
      return encodeRegisters(number, codec);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new DatatypeError(this.source(), `a value that fits the register (${why})`, value);
    }
  }

  /** Tells the subscriber of a new value or alarm state; the same reading twice is told once. */
  private observe(reading: Reading<T>): void {
    const callback = this.callback;
    if (!callback) return;
    const last = this.lastNotified;
    const unchanged =
      last !== undefined &&
      Object.is(last.value, reading.value) &&
      (last.alarm_severity ?? 0) === (reading.alarm_severity ?? 0);
    if (unchanged) return;
    this.lastNotified = reading;
    callback(reading);
  }

  private schedulePoll(generation: number): void {
    this.pollTimer = this.clock.schedule(this.pollPeriod, () => {
      void this.poll(generation);
    });
  }

  private async poll(generation: number): Promise<void> {
    if (generation !== this.pollGeneration) return;
    try {
      await this.getReading();
    } catch {
      // The link or the register failed: keep the last value, flagged INVALID as EPICS does.
      const last = this.lastNotified;
      if (generation === this.pollGeneration && last) {
        this.observe({ value: last.value, timestamp: this.clock.now(), alarm_severity: 3 });
      }
    }
    if (generation === this.pollGeneration) this.schedulePoll(generation);
  }
}
