// The motor record's motions: one runs at a time on the record's Motor device. DMOV goes 0 when
// a motion starts and 1 when it ends (a later target takes over a running motion); RBV follows
// the device's readback at 10 Hz meanwhile; the end runs the record's forward link and
// completes its put-notify, as motorRecord's recGblFwdLink at DMOV 1 does.
import { type Motor, SignalR, type Timer } from "../../../core/index.js";
import type { IocRecord } from "../record.js";
import { finish } from "./common.js";
import { deadband, driveFromDial, readbackFromDial } from "./motor-coordinates.js";
import { speedOf } from "./motor-device.js";
import { type AxisStatus, monitorMotor, restingAxis } from "./motor-status.js";

/** Seconds between RBV updates while moving. */
const MONITOR_PERIOD = 0.1;
const SPMG_PAUSE = 1;
const SPMG_MOVE = 2;

export type MotionKind = "move" | "home" | "jog";

export interface MotorState {
  readonly motor: Motor;
  readonly axis: AxisStatus;
  /** Dial = device position + calibration: SET mode redefines the dial without moving. */
  calibration: number;
  /** The device's last reported position. */
  position: number;
  /** When the device took that position's reading: an older reading arriving later is stale. */
  positionTime: number;
  /** A motion the record commanded is running (DMOV 0). */
  busy: boolean;
  /** Counts motions: the end of one a later one took over is ignored. */
  motion: number;
  kind: MotionKind;
  /** Why the running motion is being stopped: Stop drops the target, Pause keeps it. */
  halt: "stop" | "pause" | undefined;
  ticker: Timer | undefined;
  /** Ends the subscriptions to the device. */
  readonly unwatch: (() => void)[];
  /** The device has reported a position since the record started. */
  synced: boolean;
  /** The speed last sent to the device. */
  sent: { velocity: number; acceleration: number } | undefined;
  /** What the last put asked for, done when the record next processes. */
  pending: (() => void) | undefined;
}

export function stateOf(record: IocRecord): MotorState {
  return record.private as MotorState;
}

export function newMotorState(motor: Motor, position: number): MotorState {
  return {
    motor,
    axis: restingAxis(),
    calibration: 0,
    position,
    positionTime: -Infinity,
    busy: false,
    motion: 0,
    kind: "move",
    halt: undefined,
    ticker: undefined,
    unwatch: [],
    synced: false,
    sent: undefined,
    pending: undefined,
  };
}

export function dialPosition(state: MotorState): number {
  return state.position + state.calibration;
}

/** A controller that homes itself (the SMC100 does); others home by going to position 0. */
function homeCommand(motor: Motor): (() => Promise<void>) | undefined {
  const home: unknown = (motor as Motor & { home?: unknown }).home;
  return typeof home === "function" ? () => (home as () => Promise<void>).call(motor) : undefined;
}

const SPEED_OF: Readonly<Record<MotionKind, "VELO" | "JVEL" | "HVEL">> = {
  move: "VELO",
  jog: "JVEL",
  home: "HVEL",
};

async function sendSpeed(record: IocRecord, state: MotorState): Promise<void> {
  const speed = speedOf(record, SPEED_OF[state.kind]);
  const sent = state.sent;
  if (sent?.velocity === speed.velocity && sent.acceleration === speed.acceleration) return;
  state.sent = speed;
  await Promise.all([
    state.motor.velocity.set(speed.velocity),
    state.motor.acceleration.set(speed.acceleration),
  ]);
}

/** Starts a motion to `dial` (a home ignores it); DMOV drops to 0 unless one was running. */
export function startMotion(
  record: IocRecord,
  state: MotorState,
  kind: MotionKind,
  dial: number,
): void {
  state.motion += 1;
  const id = state.motion;
  state.kind = kind;
  state.halt = undefined;
  state.axis.problem = undefined;
  state.axis.moving = true;
  state.axis.atHome = false;
  state.axis.positive = dial >= dialPosition(state);
  if (!state.busy) {
    state.busy = true;
    record.stamp();
    record.update("DMOV", 0);
    record.update("MOVN", 1);
    tick(record, state);
  }
  const motor = state.motor;
  const home = homeCommand(motor);
  const unreachable = state.axis.commError;
  const command =
    unreachable !== undefined
      ? () => Promise.reject(new Error(unreachable)) // nothing is sent to a device out of reach
      : kind === "home" && home
        ? home
        : () => motor.set(kind === "home" ? 0 : dial - state.calibration);
  void run(record, state, id, command);
}

async function run(
  record: IocRecord,
  state: MotorState,
  id: number,
  command: () => PromiseLike<unknown>,
): Promise<void> {
  let failure: Error | undefined;
  try {
    await sendSpeed(record, state);
    if (state.motion === id && state.halt === undefined) await command();
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  if (state.motion !== id) return;
  // A device that cannot say where it is leaves the axis where it was last known.
  const reading = await state.motor.readback.read().then(
    (readings) => Object.values(readings)[0],
    () => undefined,
  );
  const reported = Number(reading?.value);
  const position = Number.isFinite(reported) ? reported : state.position;
  if (reading && Number.isFinite(reported)) state.positionTime = reading.timestamp;
  if (state.motion !== id) return;
  record.host.resume(record, () => motionEnded(record, state, position, failure));
}

/** Asks the device to stop the running motion; its end comes as the motion settles. */
export function haltMotion(record: IocRecord, state: MotorState, why: "stop" | "pause"): void {
  if (!state.busy) return;
  state.halt = why;
  state.motor.stop().catch((error: unknown) => {
    record.host.log(`${record.name}: stop failed: ${(error as Error).message}`);
  });
}

/** Where the drive fields go when a motion ends short of its target: where the axis is. */
export function driveToReadback(record: IocRecord, state: MotorState): void {
  record.update("DVAL", dialPosition(state));
  driveFromDial(record);
}

function motionEnded(
  record: IocRecord,
  state: MotorState,
  position: number,
  failure: Error | undefined,
): void {
  const { kind, halt } = state;
  record.stamp();
  state.position = position;
  state.halt = undefined;
  state.axis.moving = false;
  // A motion told to stop, or stopped by a limit switch, ends interrupted: no axis problem.
  const atSwitch = failure !== undefined && (state.axis.plusLimit || state.axis.minusLimit);
  const failed = failure !== undefined && halt === undefined && !atSwitch;
  const completed = kind === "move" && failure === undefined && halt === undefined;
  if (failed) state.axis.problem = failure.message;
  if (kind === "home" && failure === undefined) {
    state.calibration = 0;
    state.axis.homed = true;
    state.axis.atHome = true;
  }
  readbackFromDial(record, dialPosition(state));
  const missed = Math.abs(record.num("DVAL") - record.num("DRBV")) > deadband(record);
  if (completed && missed && record.num("RCNT") < record.num("RTRY")) {
    record.update("RCNT", record.num("RCNT") + 1);
    startMotion(record, state, "move", record.num("DVAL"));
    return;
  }
  record.update("MISS", completed && missed ? 1 : 0);
  if (halt === "stop" || kind !== "move" || failed || atSwitch) driveToReadback(record, state);
  for (const field of ["HOMF", "HOMR", "JOGF", "JOGR", "STOP"]) record.update(field, 0);
  if (record.num("SPMG") === SPMG_MOVE && halt === undefined) {
    record.update("SPMG", SPMG_PAUSE);
    record.update("LSPG", SPMG_PAUSE);
  }
  state.busy = false;
  state.ticker?.cancel();
  state.ticker = undefined;
  record.update("MOVN", 0);
  record.update("DMOV", 1);
  monitorMotor(record, state.axis, false);
  finish(record);
}

/** The database stops: no more readback ticks, no more device updates. */
export function unwatchDevice(state: MotorState): void {
  state.ticker?.cancel();
  state.ticker = undefined;
  for (const stop of state.unwatch.splice(0)) stop();
}

/** RBV from the device's last report, every MONITOR_PERIOD while the motion runs. */
function tick(record: IocRecord, state: MotorState): void {
  readbackFromDial(record, dialPosition(state));
  monitorMotor(record, state.axis, false);
  state.ticker = record.host.clock.schedule(MONITOR_PERIOD, () => {
    if (state.busy) tick(record, state);
  });
}

/**
 * Follows the device: its readback (posted at once when at rest; the first one sets the drive
 * fields, as motorRecord's init does), its own motion and its limit switches.
 */
export function watchDevice(record: IocRecord, state: MotorState): void {
  const motor = state.motor;
  if (motor.readback.canReadNow()) {
    const [reading] = Object.values(motor.readback.readNow());
    if (typeof reading?.value === "number") {
      state.position = reading.value;
      state.synced = true;
      driveToReadback(record, state);
    }
  }
  const atRest = (): void => {
    if (state.busy) return;
    readbackFromDial(record, dialPosition(state));
    monitorMotor(record, state.axis, false);
  };
  const unwatch = state.unwatch;
  unwatch.push(
    motor.readback.subscribe(
      ({ value: position, timestamp }) => {
        // A reading taken before the one the last motion ended on is news no more.
        if (timestamp < state.positionTime) return;
        state.position = position;
        state.positionTime = timestamp;
        state.axis.commError = undefined;
        // A put that came first has said where the record goes: keep it.
        if (!state.synced && !state.busy && !state.pending) driveToReadback(record, state);
        state.synced = true;
        atRest();
      },
      {
        onError: (error) => {
          state.axis.commError = error.message;
          atRest();
        },
      },
    ),
  );
  unwatch.push(
    motor.moving.subscribeValue((moving) => {
      if (state.busy) return;
      state.axis.moving = moving;
      record.update("MOVN", moving ? 1 : 0);
      atRest();
    }),
  );
  // Limit switches, where the device has them (the sim motor does).
  const switches = motor as Motor & { lowLimitSwitch?: unknown; highLimitSwitch?: unknown };
  const watchSwitch = (signal: unknown, side: "plusLimit" | "minusLimit"): void => {
    if (!(signal instanceof SignalR)) return;
    unwatch.push(
      (signal as SignalR<boolean>).subscribeValue((on) => {
        state.axis[side] = on;
        atRest();
      }),
    );
  };
  watchSwitch(switches.highLimitSwitch, "plusLimit");
  watchSwitch(switches.lowLimitSwitch, "minusLimit");
}
