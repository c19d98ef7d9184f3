import { HilError } from "../../core/index.js";

/** Names of the Modbus exception codes (Modbus Application Protocol v1.1b3, section 7). */
export const MODBUS_EXCEPTIONS: Readonly<Record<number, string>> = {
  1: "ILLEGAL FUNCTION",
  2: "ILLEGAL DATA ADDRESS",
  3: "ILLEGAL DATA VALUE",
  4: "SERVER DEVICE FAILURE",
  5: "ACKNOWLEDGE",
  6: "SERVER DEVICE BUSY",
  8: "MEMORY PARITY ERROR",
  10: "GATEWAY PATH UNAVAILABLE",
  11: "GATEWAY TARGET DEVICE FAILED TO RESPOND",
};

/** Names of the function codes the client sends. */
export const MODBUS_FUNCTIONS: Readonly<Record<number, string>> = {
  1: "read coils",
  2: "read discrete inputs",
  3: "read holding registers",
  4: "read input registers",
  5: "write single coil",
  6: "write single register",
  15: "write multiple coils",
  16: "write multiple registers",
};

/** The name of an exception code, e.g. 2 → "ILLEGAL DATA ADDRESS". */
export function modbusExceptionName(code: number): string {
  return MODBUS_EXCEPTIONS[code] ?? `UNKNOWN EXCEPTION ${code}`;
}

/** One Modbus request, as errors describe it. */
export interface ModbusRequestInfo {
  readonly functionCode: number;
  readonly address: number;
  /** Registers, coils or inputs read or written. */
  readonly count: number;
  readonly unitId: number;
}

/** "read holding registers (FC03) unit 1 at 0x0010 (16), 2 items". */
export function describeRequest({ functionCode, address, count, unitId }: ModbusRequestInfo) {
  const name = MODBUS_FUNCTIONS[functionCode] ?? "function";
  const fc = functionCode.toString().padStart(2, "0");
  const hex = address.toString(16).padStart(4, "0");
  return `${name} (FC${fc}) unit ${unitId} at 0x${hex} (${address})${count === 1 ? "" : ` ×${count}`}`;
}

/**
 * The server answered with a Modbus exception: the request reached it and was refused, e.g.
 * exception 2 for an address it does not have. Names the port, unit, function and address.
 */
export class ModbusExceptionError extends HilError {
  /** "modbus-tcp:127.0.0.1:502" or "modbus-rtu:/dev/ttyUSB0". */
  readonly port: string;
  readonly unitId: number;
  readonly functionCode: number;
  readonly address: number;
  readonly count: number;
  readonly exceptionCode: number;
  readonly exceptionName: string;

  constructor(port: string, request: ModbusRequestInfo, exceptionCode: number) {
    const exceptionName = modbusExceptionName(exceptionCode);
    super(
      "HIL_MODBUS_EXCEPTION",
      `${port}: ${describeRequest(request)} failed: exception ${exceptionCode} ${exceptionName}`,
    );
    this.port = port;
    this.unitId = request.unitId;
    this.functionCode = request.functionCode;
    this.address = request.address;
    this.count = request.count;
    this.exceptionCode = exceptionCode;
    this.exceptionName = exceptionName;
  }
}
