import type { Clock } from "./clock.js";
import { Device } from "./device.js";
import { HilError } from "./errors.js";
import type { Triggerable } from "./protocols.js";
import type { SignalR, SignalRW } from "./signal.js";
import { Status } from "./status.js";

export interface DetectorOptions<T> {
  name: string;
  clock: Clock;
  /** The acquired value; read() reports it under the detector's own name. */
  value: SignalR<T>;
  /** Seconds each trigger() acquires for. */
  exposure: SignalRW<number>;
}

/**
 * Triggerable + Readable: trigger() acquires for the exposure time and resolves when the
 * new value can be read. Subclasses implement acquire().
 */
export abstract class Detector<T = number> extends Device implements Triggerable {
  readonly value: SignalR<T>;
  readonly exposure: SignalRW<number>;
  readonly clock: Clock;
  private acquiring: Status | undefined;

  constructor({ name, clock, value, exposure }: DetectorOptions<T>) {
    super({ name });
    this.clock = clock;
    this.value = this.add("value", value, { primary: true, kind: "hinted" });
    this.exposure = this.add("exposure", exposure, { kind: "config" });
  }

  trigger(): Status {
    const options = { name: `${this.name} trigger`, clock: this.clock };
    if (this.acquiring) {
      return Status.failed(new HilError("HIL_BUSY", `${this.name} is already acquiring`), options);
    }
    const status = Status.wrap(this.acquire(), options);
    this.acquiring = status;
    status.addCallback(() => (this.acquiring = undefined));
    return status;
  }

  /** Acquires one value; resolves when it is readable. */
  protected abstract acquire(): Promise<void>;
}
