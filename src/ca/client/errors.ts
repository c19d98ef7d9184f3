/**
 * The client's failures, one class per kind. Each names the PV and what was asked, so a
 * message read alone in a log says which channel failed and why.
 */
import { HilError } from "../../core/index.js";
import { ecaName } from "../codec/index.js";

/** Nothing came back in time: a connection, a reply to a get or a put. */
export class CaTimeoutError extends HilError {
  constructor(
    readonly pv: string,
    /** What was waited for: "a connection", "the reply to a get", ... */
    readonly waitedFor: string,
    readonly timeout: number,
    detail?: string,
  ) {
    super(
      "HIL_CA_TIMEOUT",
      `${pv}: no ${waitedFor} within ${timeout} s${detail ? ` (${detail})` : ""}`,
    );
  }
}

/** The server answered with a failed ECA status (in a reply or in an ERROR message). */
export class CaStatusError extends HilError {
  /** "ECA_NOWTACCESS" and so on. */
  readonly ecaName: string;

  constructor(
    readonly pv: string,
    /** What failed: "get", "put", "monitor", "create". */
    readonly operation: string,
    readonly ecaStatus: number,
    serverMessage?: string,
  ) {
    const name = ecaName(ecaStatus);
    super(
      "HIL_CA_STATUS",
      `${pv}: ${operation} failed with ${name}${serverMessage ? `: ${serverMessage}` : ""}`,
    );
    this.ecaName = name;
  }
}

/** The channel lost its server while a request was in flight, or before it was sent. */
export class CaDisconnectedError extends HilError {
  constructor(
    readonly pv: string,
    readonly operation: string,
    reason: string,
  ) {
    super("HIL_CA_DISCONNECTED", `${pv}: ${operation} failed: ${reason}`);
  }
}

/** The channel or the whole client was closed. */
export class CaClosedError extends HilError {
  constructor(
    readonly pv: string,
    readonly operation: string,
    closed: "channel" | "client" = "channel",
  ) {
    super("HIL_CA_CLOSED", `${pv}: ${operation} failed: the ${closed} is closed`);
  }
}

/** A failure of the client and its sockets, not of one request. */
export type CaClientError = CaTimeoutError | CaStatusError | CaDisconnectedError | CaClosedError;
