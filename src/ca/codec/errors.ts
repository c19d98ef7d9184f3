import { HilError } from "../../core/index.js";

/**
 * The peer broke the Channel Access protocol: an unknown command, a payload over the
 * configured maximum, a message cut short. A server closes just that circuit; a client
 * drops that circuit (or that datagram).
 *
 * When the fault concerns one request only (a DBR type that does not exist, a payload too
 * short for its count), `ecaStatus` holds the ECA code to answer that request with.
 */
export class RemoteProtocolError extends HilError {
  /** The command of the offending message, when its header could be read. */
  readonly command: number | undefined;
  /** The ECA status to report for this one request, when the fault is limited to it. */
  readonly ecaStatus: number | undefined;

  constructor(message: string, options: { command?: number; ecaStatus?: number } = {}) {
    super("HIL_CA_REMOTE_PROTOCOL", message);
    this.command = options.command;
    this.ecaStatus = options.ecaStatus;
  }
}

/** We tried to send something the protocol cannot carry (a field out of range, an unknown DBR type). */
export class LocalProtocolError extends HilError {
  constructor(message: string) {
    super("HIL_CA_LOCAL_PROTOCOL", message);
  }
}

/** Why a value could not be converted to the requested type. */
export type ConversionFailure = "unparsable" | "overflow" | "underflow" | "bad_choice";

/**
 * A value cannot be converted between DBR types the way an IOC would: a string that is not
 * a number, a number out of the target's range, a string that is no state of an enum.
 * A server answers the request with ECA_PUTFAIL (write) or ECA_GETFAIL (read).
 */
export class CaConversionError extends HilError {
  readonly reason: ConversionFailure;
  readonly input: string;

  constructor(reason: ConversionFailure, input: string, target: string) {
    const what =
      reason === "bad_choice"
        ? `is not one of the states of the enum`
        : reason === "unparsable"
          ? `is not a number`
          : `is out of the range of ${target}`;
    super("HIL_CA_CONVERSION", `${JSON.stringify(input)} ${what} (converting to ${target})`);
    this.reason = reason;
    this.input = input;
  }
}
