// A device declared as a set of PVs, as ophyd-async's StandardReadable is: each child a
// signal on a PV under the device's prefix, read-only or written on a setpoint PV of its own.
//   new EpicsDevice({ name: "slit", client, prefix: "BL7:SLIT:", signals: {
//     gap: { pv: "GAP_RBV", write: "GAP", kind: "hinted" }, units: { pv: "GAP.EGU", type: "string", kind: "config" } } })
import { type CaClient, CaSignalBackend } from "../../src/ca/index.js";
import {
  type Clock,
  type Datatype,
  datatype,
  Device,
  type Kind,
  realClock,
  SignalR,
  SignalRW,
} from "../../src/core/index.js";

export type PvType = "float" | "int" | "string" | "boolean";

export interface PvSignalSpec {
  /** The PV read, after the device's prefix. */
  readonly pv: string;
  /** A PV written instead of `pv` (a setpoint beside its readback); without it, read-only. */
  readonly write?: string;
  /** Writable on `pv` itself. */
  readonly writable?: boolean;
  readonly type?: PvType;
  readonly kind?: Kind;
  /** The device's main value: its reading carries the device's own name. */
  readonly primary?: boolean;
}

export interface EpicsDeviceOptions {
  readonly name: string;
  readonly client: CaClient;
  readonly prefix?: string;
  readonly signals: Readonly<Record<string, PvSignalSpec>>;
  readonly clock?: Clock;
  /** Called once the device has disconnected: gives back a shared client's lease. */
  readonly onDisconnect?: () => Promise<void>;
}

const DATATYPES: Readonly<Record<PvType, Datatype<number> | Datatype<string> | Datatype<boolean>>> =
  {
    float: datatype.float,
    int: datatype.int,
    string: datatype.string,
    boolean: datatype.boolean,
  };

export class EpicsDevice extends Device {
  /** The signals by the names the declaration gave them. */
  readonly signals: ReadonlyMap<string, SignalR<unknown>>;
  readonly #onDisconnect: (() => Promise<void>) | undefined;

  constructor({
    name,
    client,
    prefix = "",
    signals,
    clock = realClock,
    onDisconnect,
  }: EpicsDeviceOptions) {
    super({ name });
    const made = new Map<string, SignalR<unknown>>();
    for (const [key, spec] of Object.entries(signals)) {
      const type = DATATYPES[spec.type ?? "float"] as Datatype<unknown>;
      const writePv = spec.write === undefined ? undefined : `${prefix}${spec.write}`;
      const writable = writePv !== undefined || spec.writable === true;
      const backend = new CaSignalBackend(client, type, `${prefix}${spec.pv}`, {
        ...(writePv === undefined ? {} : { writePv }),
        writable,
        clock,
      });
      const signal = writable ? new SignalRW(backend) : new SignalR(backend);
      const options = { kind: spec.kind ?? "normal", primary: spec.primary ?? false };
      made.set(key, this.add(key, signal, options));
    }
    this.signals = made;
    this.#onDisconnect = onDisconnect;
  }

  override async disconnect(): Promise<void> {
    await super.disconnect();
    await this.#onDisconnect?.();
  }
}
