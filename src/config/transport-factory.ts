import type { ByteTransport } from "../transports/index.js";
import { SerialTransport, TcpTransport } from "../transports/index.js";
import type { Transport } from "./transport-schema.js";

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
