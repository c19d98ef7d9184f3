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
    const status = new Status({ name: `${this.name} trigger`, clock: this.clock });
    if (this.acquiring) {
      status.fail(new HilError("HIL_BUSY", `${this.name} is already acquiring`));
      return status;
    }
    this.acquiring = status;
    void this.runAcquire(status);
    return status;
  }

  /** Acquires and ends `status`; the detector is free again before anyone hears of it. */
  private async runAcquire(status: Status): Promise<void> {
    let failure: Error | undefined;
    try {
      await this.acquire();
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    if (this.acquiring === status) this.acquiring = undefined;
    if (failure) status.fail(failure);
    else status.finish();
  }

  /** Acquires one value; resolves when it is readable. */
  protected abstract acquire(): Promise<void>;
}
