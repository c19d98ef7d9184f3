// What a driver is to the config: a DriverSpec (its parameters' schema and how to build a
// device), the BuildContext it builds with, and the LinkHook through which a build's caller
// sees each transport link a driver asks for. The default registry is drivers/index.ts.
import type { z } from "zod";
import type { Clock, Device, Kind } from "../core/index.js";
import type { ByteTransport, ModbusClientLike } from "../transports/index.js";
import { didYouMean } from "./config-error.js";
import type { Transport, TransportType } from "./config-schema.js";

/** What a driver gets to build one device. */
export interface BuildContext<P> {
  /** The device's name in the config. */
  readonly name: string;
  /** The driver's parameters, as its schema parsed them. */
  readonly params: P;
  readonly clock: Clock;
  /** This device's own seed, derived from the base seed and its name. */
  readonly seed: number;
  readonly kind: Kind;
  readonly labels: readonly string[];
  /** The device's transport; `{type: "sim"}` for simulated devices. */
  readonly transport: Transport;
  readonly units?: string;
  readonly limits?: readonly [number, number];
  /**
   * The byte stream of the device's transport (serial or tcp), not opened: the port the
   * config describes, or what the build's LinkHook makes of it. Ask once per port (inside
   * `shared`), as the devices on one port share its channel.
   */
  byteLink(options?: ByteLinkOptions): ByteTransport;
  /**
   * The device's Modbus client (modbus-tcp or modbus-rtu), not connected, addressed to its
   * unit id: one connection per port, or what the build's LinkHook makes of it.
   */
  modbusLink(options?: ModbusLinkOptions): ModbusClientLike;
  /** A device this one references, already built (see DriverSpec.references). */
  device(name: string): Device;
  /**
   * One thing per key for the whole build, e.g. the channel of a serial port that several
   * controllers share on one RS-485 chain: made by the first device that asks.
   */
  shared<T>(key: string, make: () => T): T;
}

/** How to build a device from its config entry. */
export interface DriverSpec<P> {
  /** Dotted, group first: "sim.motor", "newport.smc100". */
  readonly name: string;
  readonly description: string;
  /** Checks the entry's parameters: every key of the entry besides driver, kind, labels... */
  readonly params: z.ZodType<P>;
  /** Which of the common keys the driver uses; giving another is a config error. */
  readonly takes?: { readonly limits?: boolean; readonly units?: boolean };
  /** The transport types it can use; without it the driver needs no transport (sim). */
  readonly transports?: readonly TransportType[];
  /** The names of other devices it needs, e.g. a detector's motors: built first. */
  references?(params: P): string[];
  build(ctx: BuildContext<P>): Device | Promise<Device>;
}

/** The drivers a config can name. */
export class DriverRegistry {
  private readonly specs = new Map<string, DriverSpec<unknown>>();

  register<P>(spec: DriverSpec<P>): this {
    if (this.specs.has(spec.name)) throw new Error(`a driver "${spec.name}" is already registered`);
    this.specs.set(spec.name, spec);
    return this;
  }

  get(name: string): DriverSpec<unknown> | undefined {
    return this.specs.get(name);
  }

  has(name: string): boolean {
    return this.specs.has(name);
  }

  /** The registered names, sorted. */
  names(): string[] {
    return [...this.specs.keys()].sort();
  }

  /** `unknown driver "sim.moter" (did you mean "sim.motor"?)`, or listing every driver. */
  unknownDriverMessage(name: string): string {
    const known = ` (known drivers: ${this.names().join(", ")})`;
    return `unknown driver ${JSON.stringify(name)}${didYouMean(name, this.specs.keys(), known)}`;
  }
}

// The link hook: a build's caller sees each link a driver asks for and may wrap it (record
// its traffic) or put something else in its place (replay a cassette), for any driver.

/** Which device asks for a link, over which transport. */
export interface LinkRequest {
  /** The device's name in the config. */
  readonly device: string;
  readonly driver: string;
  readonly transport: Transport;
  /**
   * What ends each request the driver writes on a byte link, e.g. "\r" (default "\n"): a
   * cassette player compares requests line by line.
   */
  readonly lineEnd?: string;
}

/**
 * Given to buildDevices (or buildDevice) to see the links drivers get. Each function gets the
 * request and `make`, which makes the link the config describes (nothing is opened), and
 * returns the link the driver gets: `make()` itself, a wrapper of it, or a stand-in that
 * never calls `make`. A byte link is asked for once per port (its devices share a channel);
 * a Modbus link once per device, already addressed to the device's unit.
 */
export interface LinkHook {
  bytes?(request: LinkRequest, make: () => ByteTransport): ByteTransport;
  modbus?(request: LinkRequest, make: () => ModbusClientLike): ModbusClientLike;
}

/** How a driver asks for its byte link. */
export interface ByteLinkOptions {
  /** What ends each request it writes (see LinkRequest.lineEnd). */
  readonly lineEnd?: string;
}

/** How a driver asks for its Modbus link. */
export interface ModbusLinkOptions {
  /** Seconds a reply may take (the first device on a port sets it for the port). */
  readonly timeout?: number;
}
