/**
 * What the server serves: a provider resolves a name to a process variable, and the
 * process variable holds a value with its metadata, takes writes and posts changes. The
 * server does the wire work (conversion to the requested DBR type, masks, queues), so a
 * provider is only the model: the IOC's records, a device's signals, or a test's table.
 */
import type { DbrMetadata, DbrValueInput, DbrValueType } from "../codec/index.js";

/** Who is asking: what CLIENT_NAME and HOST_NAME said, and the peer's address. */
export interface CaClientIdentity {
  user: string;
  host: string;
  address: string;
}

/**
 * A PV's state: the value (an array or a scalar, of any type the codec converts from) and
 * its metadata: alarm, timestamp, units, precision, limits, enum strings.
 */
export interface CaPvState extends DbrMetadata {
  value: DbrValueInput;
}

/** A change the PV posts to its subscribers. */
export interface CaPvUpdate {
  state: CaPvState;
  /** What changed, as DBE bits (VALUE 1, LOG 2, ALARM 4, PROPERTY 8). */
  events: number;
}

/** How a client wrote. */
export interface CaWriteOptions {
  /** WRITE_NOTIFY (a put with callback): the client waits for the write's completion. */
  readonly callback: boolean;
}

/** Why a write or read was refused; the server answers with the ECA code it names. */
export class CaPvError extends Error {
  constructor(
    message: string,
    /** An ECA status code (e.g. ECA.PUTFAIL, ECA.NOWTACCESS); PUTFAIL when omitted. */
    readonly eca?: number,
  ) {
    super(message);
    this.name = "CaPvError";
  }
}

export interface CaPv {
  /** The DBF type of the value (DBR.STRING … DBR.DOUBLE), as CREATE_CHAN reports it. */
  readonly nativeType: DbrValueType;
  /** The most elements the value may hold (NELM); 1 for a scalar. */
  readonly maxCount: number;
  /** The record type DBR_CLASS_NAME answers ("ai", "motor"); default "ai"-like by type. */
  readonly className?: string;
  /**
   * The current value and metadata. Cheap and synchronous: monitors and reads call it. A
   * state is never changed once returned or posted; a change is a new state object (the
   * server keeps encoded payloads per state object and would otherwise serve old bytes).
   */
  read(): CaPvState;
  /**
   * Takes a value already converted to the native type. Resolves when the write is complete
   * (a motor at its target), which is when WRITE_NOTIFY answers; rejects with a CaPvError
   * (or any error, answered as ECA_PUTFAIL) to refuse it. Absent: the PV is read-only.
   * A client's put-callbacks on one channel come one at a time, each after the one before
   * has completed, as from RSRV; plain writes come as they arrive, except that nothing the
   * client sent on the channel after a waiting put-callback overtakes it.
   */
  write?(
    value: DbrValueInput,
    client: CaClientIdentity,
    options?: CaWriteOptions,
  ): Promise<void> | void;
  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (update: CaPvUpdate) => void): () => void;
  /** The server refused this client a write for want of rights (an IOC logs it). */
  writeRefused?(client: CaClientIdentity): void;
  /** READ 1 | WRITE 2 for this client; default READ, plus WRITE when `write` exists. */
  accessRights?(client: CaClientIdentity): number;
}

/** Turns channel names into PVs; called for every search and every CREATE_CHAN. */
export interface CaPvProvider {
  resolve(name: string): CaPv | undefined;
}
