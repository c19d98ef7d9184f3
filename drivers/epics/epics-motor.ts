// ophyd's EpicsMotor over a motor record of any IOC: the move is a put to VAL with
// completion (the record answers when DMOV returns to 1), progress comes from RBV, the soft
// limits are HLM/LLM, a refused target (LVIO) is a LimitError, STOP halts the axis.
import { type CaClient, epicsSignalR, epicsSignalRW } from "../../src/ca/index.js";
import {
  type Clock,
  datatype,
  LimitError,
  Motor,
  type ProgressReport,
  realClock,
  type SignalR,
  type SignalRW,
} from "../../src/core/index.js";

export interface EpicsMotorOptions {
  readonly name: string;
  /** The motor record's name, e.g. "BL7:MTR2". */
  readonly prefix: string;
  readonly client: CaClient;
  readonly clock?: Clock;
  /** Called once the motor has disconnected: gives back a shared client's lease. */
  readonly onDisconnect?: () => Promise<void>;
}

export class EpicsMotor extends Motor {
  /** DMOV: 1 at rest, 0 while a move runs. */
  readonly doneMoving: SignalR<number>;
  /** LVIO: the last target was beyond the soft limits. */
  readonly limitViolation: SignalR<number>;
  readonly motorStop: SignalRW<number>;
  readonly prefix: string;
  readonly #onDisconnect: (() => Promise<void>) | undefined;

  constructor({ name, prefix, client, clock = realClock, onDisconnect }: EpicsMotorOptions) {
    const pv = (field: string): string => `${prefix}.${field}`;
    const float = (field: string): SignalRW<number> =>
      epicsSignalRW(client, datatype.float, pv(field), { clock });
    super({
      name,
      clock,
      readback: epicsSignalR(client, datatype.float, pv("RBV"), { clock }),
      setpoint: float("VAL"),
      velocity: float("VELO"),
      acceleration: float("ACCL"),
      lowLimit: float("LLM"),
      highLimit: float("HLM"),
    });
    this.prefix = prefix;
    this.#onDisconnect = onDisconnect;
    this.doneMoving = this.add(
      "done_moving",
      epicsSignalR(client, datatype.int, pv("DMOV"), { clock }),
      {
        kind: "omitted",
      },
    );
    this.limitViolation = this.add(
      "limit_violation",
      epicsSignalR(client, datatype.int, pv("LVIO"), { clock }),
      { kind: "omitted" },
    );
    this.motorStop = this.add(
      "motor_stop",
      epicsSignalRW(client, datatype.int, pv("STOP"), { clock }),
      {
        kind: "omitted",
      },
    );
  }

  protected async startMove(
    target: number,
    report: (progress: ProgressReport) => void,
  ): Promise<void> {
    const initial = await this.readback.get();
    const unsubscribe = this.readback.subscribeValue((current) =>
      report({ current, initial, target }),
    );
    try {
      // The put completes when the record's move has ended (DMOV back to 1).
      await (this.setpoint as SignalRW<number>).set(target, { wait: true });
    } finally {
      unsubscribe();
    }
    if ((await this.limitViolation.get()) !== 0) {
      const [low, high] = await Promise.all([this.lowLimit.get(), this.highLimit.get()]);
      throw new LimitError(this.name, target, low, high);
    }
  }

  override async disconnect(): Promise<void> {
    await super.disconnect();
    await this.#onDisconnect?.();
  }

  protected async haltMotion(): Promise<void> {
    await this.motorStop.set(1, { wait: false });
  }
}
