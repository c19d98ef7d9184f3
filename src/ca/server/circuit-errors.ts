/**
 * What a circuit says when something goes wrong: the fault that ends it, the header an ERROR
 * quotes back to the client, and the ECA status a failed write is answered with.
 */
import {
  CaCommand,
  dbrLayout,
  dbrPayloadSize,
  ECA,
  padTo8,
  type CaHeader,
  type WriteNotifyRequest,
  type WriteRequest,
} from "../codec/index.js";
import { CaPvError } from "./provider.js";

/** A fault that ends the circuit. */
export class CircuitFault extends Error {}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The status a write that threw or rejected is answered with. */
export function ecaOf(error: unknown): number {
  return error instanceof CaPvError && error.eca !== undefined ? error.eca : ECA.PUTFAIL;
}

/** The header of a request, for an ERROR about it. */
export function requestHeader(
  command: number,
  parameter1: number,
  parameter2: number,
  typed: { dataType: number; dataCount: number } = { dataType: 0, dataCount: 0 },
  payloadSize = 0,
): CaHeader {
  return { command, payloadSize, ...typed, parameter1, parameter2 };
}

/** The header of a write as the client sent it, for the ERROR that answers it. */
export function writeHeader(request: WriteRequest | WriteNotifyRequest): CaHeader {
  const layout = dbrLayout(request.dataType);
  return {
    command: request.type === "WriteRequest" ? CaCommand.WRITE : CaCommand.WRITE_NOTIFY,
    payloadSize: layout
      ? Math.min(padTo8(dbrPayloadSize(layout, request.dataCount)), 0xfffffff8)
      : 0,
    dataType: request.dataType,
    dataCount: request.dataCount,
    parameter1: request.sid,
    parameter2: request.ioid,
  };
}
