/**
 * The EPICS_CA_* and EPICS_CAS_* environment, read once into plain settings. Defaults and
 * fall-backs follow libca and RSRV (the server's variables default to the client's).
 */
import { CA_REPEATER_PORT, CA_SERVER_PORT } from "./codec/index.js";

/** A UDP destination: a host (name or dotted quad) and a port. */
export interface CaAddress {
  host: string;
  port: number;
}

export interface CaClientEnvironment {
  /** EPICS_CA_ADDR_LIST: search destinations, each with its port (default serverPort). */
  addressList: CaAddress[];
  /** EPICS_CA_AUTO_ADDR_LIST: also search every interface's broadcast address. */
  autoAddressList: boolean;
  /** EPICS_CA_SERVER_PORT (5064). */
  serverPort: number;
  /** EPICS_CA_REPEATER_PORT (5065): where beacons arrive. */
  repeaterPort: number;
  /** EPICS_CA_CONN_TMO in seconds (30): silence before a circuit is probed with ECHO. */
  connectionTimeout: number;
  /** EPICS_CA_MAX_SEARCH_PERIOD in seconds (300, at least 60): the back-off ceiling. */
  maxSearchPeriod: number;
  /** EPICS_CA_MAX_ARRAY_BYTES (16384; pyepics raises it to 2^24). */
  maxArrayBytes: number;
}

export interface CaServerEnvironment {
  /** EPICS_CAS_INTF_ADDR_LIST: the interfaces to bind (default: every interface). */
  interfaces: string[];
  /** EPICS_CAS_SERVER_PORT, else EPICS_CA_SERVER_PORT (5064). */
  serverPort: number;
  /** EPICS_CAS_BEACON_ADDR_LIST, else EPICS_CA_ADDR_LIST; ports default to beaconPort. */
  beaconAddressList: CaAddress[];
  /** EPICS_CAS_AUTO_BEACON_ADDR_LIST, else EPICS_CA_AUTO_ADDR_LIST. */
  autoBeaconAddressList: boolean;
  /** EPICS_CAS_BEACON_PORT, else EPICS_CA_REPEATER_PORT (5065). */
  beaconPort: number;
  /** EPICS_CAS_BEACON_PERIOD, else EPICS_CA_BEACON_PERIOD, in seconds (15). */
  beaconPeriod: number;
  /** EPICS_CAS_IGNORE_ADDR_LIST: hosts whose searches are ignored. */
  ignoreAddressList: string[];
}

type Environment = Readonly<Record<string, string | undefined>>;

/** An environment variable that holds a bad value. */
export class CaEnvironmentError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    expected: string,
  ) {
    super(`${variable}="${value}": expected ${expected}`);
    this.name = "CaEnvironmentError";
  }
}

function text(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function port(env: Environment, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 0xffff) {
    throw new CaEnvironmentError(name, value, "a port number from 1 to 65535");
  }
  return parsed;
}

function seconds(env: Environment, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new CaEnvironmentError(name, value, "a positive number of seconds");
  }
  return parsed;
}

function flag(env: Environment, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === undefined) return fallback;
  // libca treats anything but a case-insensitive "no" as yes.
  return value.toLowerCase() !== "no";
}

/** Parses a space-separated `host[:port]` list; entries without a port get `defaultPort`. */
export function parseAddressList(
  value: string,
  defaultPort: number,
  variable = "address list",
): CaAddress[] {
  const addresses: CaAddress[] = [];
  for (const entry of value.split(/\s+/).filter(Boolean)) {
    const match = /^([^:\s]+)(?::(\d+))?$/.exec(entry);
    const entryPort = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match || !Number.isInteger(entryPort) || entryPort < 1 || entryPort > 0xffff) {
      throw new CaEnvironmentError(variable, value, `space-separated host[:port] entries`);
    }
    addresses.push({ host: match[1]!, port: entryPort });
  }
  return addresses;
}

function addressList(env: Environment, name: string, defaultPort: number): CaAddress[] {
  const value = text(env, name);
  return value === undefined ? [] : parseAddressList(value, defaultPort, name);
}

/** The client's settings from `env` (default: process.env). */
export function readClientEnvironment(env: Environment = process.env): CaClientEnvironment {
  const serverPort = port(env, "EPICS_CA_SERVER_PORT", CA_SERVER_PORT);
  const maxSearchPeriod = Math.max(60, seconds(env, "EPICS_CA_MAX_SEARCH_PERIOD", 300));
  const maxArrayBytes = text(env, "EPICS_CA_MAX_ARRAY_BYTES");
  const arrayBytes = maxArrayBytes === undefined ? 16384 : Number(maxArrayBytes);
  if (!Number.isInteger(arrayBytes) || arrayBytes < 16384) {
    throw new CaEnvironmentError(
      "EPICS_CA_MAX_ARRAY_BYTES",
      maxArrayBytes ?? "",
      "an integer of at least 16384",
    );
  }
  return {
    addressList: addressList(env, "EPICS_CA_ADDR_LIST", serverPort),
    autoAddressList: flag(env, "EPICS_CA_AUTO_ADDR_LIST", true),
    serverPort,
    repeaterPort: port(env, "EPICS_CA_REPEATER_PORT", CA_REPEATER_PORT),
    connectionTimeout: seconds(env, "EPICS_CA_CONN_TMO", 30),
    maxSearchPeriod,
    maxArrayBytes: arrayBytes,
  };
}

/** The server's settings from `env` (default: process.env). */
export function readServerEnvironment(env: Environment = process.env): CaServerEnvironment {
  const caServerPort = port(env, "EPICS_CA_SERVER_PORT", CA_SERVER_PORT);
  const beaconPort = port(
    env,
    "EPICS_CAS_BEACON_PORT",
    port(env, "EPICS_CA_REPEATER_PORT", CA_REPEATER_PORT),
  );
  // The client's search list stands in for a missing beacon list by its hosts only: its
  // ports are search ports, and beacons go to the beacon (repeater) port.
  const beaconList =
    text(env, "EPICS_CAS_BEACON_ADDR_LIST") === undefined
      ? addressList(env, "EPICS_CA_ADDR_LIST", beaconPort).map(({ host }) => ({
          host,
          port: beaconPort,
        }))
      : addressList(env, "EPICS_CAS_BEACON_ADDR_LIST", beaconPort);
  const interfaces = text(env, "EPICS_CAS_INTF_ADDR_LIST");
  const ignored = text(env, "EPICS_CAS_IGNORE_ADDR_LIST");
  return {
    interfaces: interfaces === undefined ? [] : interfaces.split(/\s+/),
    serverPort: port(env, "EPICS_CAS_SERVER_PORT", caServerPort),
    beaconAddressList: beaconList,
    autoBeaconAddressList: flag(
      env,
      "EPICS_CAS_AUTO_BEACON_ADDR_LIST",
      flag(env, "EPICS_CA_AUTO_ADDR_LIST", true),
    ),
    beaconPort,
    beaconPeriod: seconds(
      env,
      "EPICS_CAS_BEACON_PERIOD",
      seconds(env, "EPICS_CA_BEACON_PERIOD", 15),
    ),
    ignoreAddressList: ignored === undefined ? [] : ignored.split(/\s+/),
  };
}
