import type { ByteTransport } from "../transports/index.js";
import { ModbusClient, SerialTransport, TcpTransport } from "../transports/index.js";
import type { Transport } from "./config-schema.js";

/** What a transport carries: a byte stream, Modbus transactions, or nothing (sim). */
export type LinkKind = "bytes" | "modbus";

/** Opens nothing: makes the byte transport a device's `transport:` entry describes. */
export function byteTransport(transport: Transport): ByteTransport {
  switch (transport.type) {
    case "serial":
      return new SerialTransport({
        path: transport.path,
        baudRate: transport.baud,
        dataBits: transport.dataBits as 5 | 6 | 7 | 8,
        parity: transport.parity,
        stopBits: transport.stopBits,
        rtscts: transport.flowControl === "rtscts",
        xon: transport.flowControl === "xonxoff",
        xoff: transport.flowControl === "xonxoff",
      });
    case "tcp":
      return new TcpTransport({ host: transport.host, port: transport.port });
    default:
      throw new Error(`a ${transport.type} transport carries no byte stream`);
  }
}

/**
 * Connects nothing: makes the Modbus client of a `transport:` entry, for the unit it names.
 * `timeout` is how long, in seconds, a reply may take.
 */
export function modbusClient(transport: Transport, timeout?: number): ModbusClient {
  switch (transport.type) {
    case "modbus-tcp":
      return new ModbusClient({
        host: transport.host,
        port: transport.port,
        unitId: transport.unitId,
        timeout,
      });
    case "modbus-rtu":
      return new ModbusClient({
        path: transport.path,
        baudRate: transport.baud,
        parity: transport.parity,
        unitId: transport.unitId,
        timeout,
      });
    default:
      throw new Error(`a ${transport.type} transport carries no Modbus`);
  }
}

/** What a transport entry carries; undefined for a simulated device, which has no link. */
export function linkKind(transport: Transport): LinkKind | undefined {
  switch (transport.type) {
    case "serial":
    case "tcp":
      return "bytes";
    case "modbus-tcp":
    case "modbus-rtu":
      return "modbus";
    default:
      return undefined;
  }
}

/** The key under which devices on one port share its channel. */
export function portKey(transport: Transport): string {
  switch (transport.type) {
    case "serial":
      return `serial:${transport.path}`;
    case "tcp":
    case "modbus-tcp":
      return `${transport.type}:${transport.host}:${transport.port}`;
    case "modbus-rtu":
      return `modbus-rtu:${transport.path}`;
    default:
      return transport.type;
  }
}
