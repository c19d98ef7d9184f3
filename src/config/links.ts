// The link hook: a build's caller sees each link a driver asks for and may wrap it (record
// its traffic) or put something else in its place (replay a cassette), for any driver.
import type { ByteTransport, ModbusClientLike } from "../transports/index.js";
import type { Transport } from "./transport-schema.js";

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
