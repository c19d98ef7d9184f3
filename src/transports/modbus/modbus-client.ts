import type {
  ModbusClientOptions,
  ModbusConnectionState,
  ModbusSend,
} from "./modbus-connection.js";
import { ModbusConnection } from "./modbus-connection.js";
import type { ModbusRequestInfo } from "./modbus-exception-error.js";
import { describeRequest } from "./modbus-exception-error.js";

export type { ModbusClientOptions, ModbusConnectionState };

/** Quantity limits per request (Modbus Application Protocol v1.1b3). */
const LIMITS = { 1: 2000, 2: 2000, 3: 125, 4: 125, 15: 1968, 16: 123 } as const;

/**
 * A Modbus master over TCP or RTU (modbus-serial underneath). Every request waits its turn
 * on the connection (FIFO), has a timeout, and comes back as plain words and booleans or as
 * a typed error: ModbusExceptionError when the server refused it, ReplyTimeoutError when it
 * did not answer, TransportDroppedError / TransportUnavailableError when the link was down.
 * After a drop the link reopens in the background with backoff.
 */
export class ModbusClient {
  readonly unitId: number;
  private readonly connection: ModbusConnection;

  /**
   * Opens nothing yet: connect() or the first request does. Given another client, shares
   * its connection and queue and talks to `unitId`: several units on one RS-485 bus.
   */
  constructor(options: ModbusClientOptions | ModbusClient, unitId?: number) {
    if (options instanceof ModbusClient) {
      this.connection = options.connection;
      this.unitId = checkUnitId(unitId ?? options.unitId);
    } else {
      this.connection = new ModbusConnection(options);
      this.unitId = checkUnitId(unitId ?? options.unitId ?? 1);
    }
  }

  /** A client for another unit on the same connection. */
  withUnit(unitId: number): ModbusClient {
    return new ModbusClient(this, unitId);
  }

  /** Names the port in errors: "modbus-tcp:127.0.0.1:502", "modbus-rtu:/dev/ttyUSB0". */
  get port(): string {
    return this.connection.port;
  }

  /** Base of signal sources: "modbus://127.0.0.1:502", "modbus-rtu:///dev/ttyUSB0". */
  get url(): string {
    return this.connection.url;
  }

  /** Seconds each request may take. */
  get timeout(): number {
    return this.connection.timeout;
  }

  get state(): ModbusConnectionState {
    return this.connection.state;
  }

  onStateChange(listener: (state: ModbusConnectionState) => void): () => void {
    return this.connection.onStateChange(listener);
  }

  /** Opens the link within `timeout` seconds (default: the connectTimeout option). */
  connect(timeout?: number): Promise<void> {
    return this.connection.connect(timeout);
  }

  /** Closes the link for good, for every client sharing it. */
  close(): Promise<void> {
    return this.connection.close();
  }

  /** FC03: `count` registers from `address`, as uint16 words. */
  readHoldingRegisters(address: number, count = 1): Promise<number[]> {
    return this.request<number[]>(3, address, count, (lib, unit, done) =>
      lib.writeFC3(unit, address, count, (error, result) => done(error, result?.data)),
    );
  }

  /** FC04: `count` input registers from `address`, as uint16 words. */
  readInputRegisters(address: number, count = 1): Promise<number[]> {
    return this.request<number[]>(4, address, count, (lib, unit, done) =>
      lib.writeFC4(unit, address, count, (error, result) => done(error, result?.data)),
    );
  }

  /** FC01: `count` coils from `address`. */
  async readCoils(address: number, count = 1): Promise<boolean[]> {
    const bits = await this.request<boolean[]>(1, address, count, (lib, unit, done) =>
      lib.writeFC1(unit, address, count, (error, result) => done(error, result?.data)),
    );
    return bits.slice(0, count);
  }

  /** FC02: `count` discrete inputs from `address`. */
  async readDiscreteInputs(address: number, count = 1): Promise<boolean[]> {
    const bits = await this.request<boolean[]>(2, address, count, (lib, unit, done) =>
      lib.writeFC2(unit, address, count, (error, result) => done(error, result?.data)),
    );
    return bits.slice(0, count);
  }

  /** FC06: one register. */
  async writeRegister(address: number, value: number): Promise<void> {
    checkWords([value], this.port);
    await this.request(6, address, 1, (lib, unit, done) =>
      lib.writeFC6(unit, address, value, (error) => done(error, undefined)),
    );
  }

  /** FC16: consecutive registers from `address`. */
  async writeRegisters(address: number, values: readonly number[]): Promise<void> {
    checkWords(values, this.port);
    await this.request(16, address, values.length, (lib, unit, done) =>
      lib.writeFC16(unit, address, [...values], (error) => done(error, undefined)),
    );
  }

  /** FC05: one coil. */
  async writeCoil(address: number, value: boolean): Promise<void> {
    await this.request(5, address, 1, (lib, unit, done) =>
      lib.writeFC5(unit, address, value, (error) => done(error, undefined)),
    );
  }

  /** FC15: consecutive coils from `address`. */
  async writeCoils(address: number, values: readonly boolean[]): Promise<void> {
    await this.request(15, address, values.length, (lib, unit, done) =>
      lib.writeFC15(unit, address, [...values], (error) => done(error, undefined)),
    );
  }

  toString(): string {
    return `ModbusClient(${this.port} unit ${this.unitId})`;
  }

  private request<R>(
    functionCode: number,
    address: number,
    count: number,
    send: ModbusSend<R>,
  ): Promise<R> {
    const request: ModbusRequestInfo = { functionCode, address, count, unitId: this.unitId };
    const limit = LIMITS[functionCode as keyof typeof LIMITS] ?? 1;
    if (!Number.isInteger(address) || address < 0 || address > 0xffff) {
      return Promise.reject(
        new RangeError(`${this.port}: address must be 0..65535, got ${address}`),
      );
    }
    if (!Number.isInteger(count) || count < 1 || count > limit || address + count > 0x10000) {
      const what = describeRequest(request);
      return Promise.reject(
        new RangeError(`${this.port}: ${what}: count must be 1..${limit} within 0..65535`),
      );
    }
    return this.connection.transact(request, send);
  }
}

function checkUnitId(unitId: number): number {
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) {
    throw new RangeError(`unitId must be 0..255, got ${unitId}`);
  }
  return unitId;
}

function checkWords(values: readonly number[], port: string): void {
  for (const value of values) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new RangeError(`${port}: a register holds a uint16 (0..65535), got ${value}`);
    }
  }
}
