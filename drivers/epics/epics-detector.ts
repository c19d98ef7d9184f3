// A detector of any IOC over an acquire/value pair: trigger() writes 1 to the acquire PV with
// completion (the IOC answers when the acquisition has ended, as areaDetector's Acquire and a
// scaler's CNT do), then the value PV holds the new reading; the exposure PV is its time.
import { type CaClient, epicsSignalR, epicsSignalRW } from "../../src/ca/index.js";
import { type Clock, datatype, Detector, realClock, type SignalRW } from "../../src/core/index.js";

export interface EpicsDetectorOptions {
  readonly name: string;
  readonly client: CaClient;
  /** The PV triggered with 1 (e.g. "BL7:DET1:Acquire"). */
  readonly acquirePv: string;
  /** The PV read after each acquisition (e.g. "BL7:DET1:Counts"). */
  readonly valuePv: string;
  /** The PV of the acquisition time in seconds (e.g. "BL7:DET1:AcquireTime"). */
  readonly exposurePv: string;
  readonly clock?: Clock;
  /** Called once the detector has disconnected: gives back a shared client's lease. */
  readonly onDisconnect?: () => Promise<void>;
}

export class EpicsDetector extends Detector<number> {
  readonly acquireSignal: SignalRW<number>;
  readonly #onDisconnect: (() => Promise<void>) | undefined;

  constructor(options: EpicsDetectorOptions) {
    const { name, client, clock = realClock } = options;
    super({
      name,
      clock,
      value: epicsSignalR(client, datatype.float, options.valuePv, { clock }),
      exposure: epicsSignalRW(client, datatype.float, options.exposurePv, { clock }),
    });
    this.acquireSignal = this.add(
      "acquire",
      epicsSignalRW(client, datatype.int, options.acquirePv, { clock }),
      { kind: "omitted" },
    );
    this.#onDisconnect = options.onDisconnect;
  }

  protected async acquire(): Promise<void> {
    await this.acquireSignal.set(1, { wait: true });
  }

  override async disconnect(): Promise<void> {
    await super.disconnect();
    await this.#onDisconnect?.();
  }
}
