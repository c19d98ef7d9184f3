// What the motor record shows of its axis: the MSTA bits, the limit switches and direction in
// user terms, the alarms motorRecord's alarm_sub raises, and the monitors of VAL and RBV.
import { SEVR, STAT } from "../alarm-codes.js";
import { DBE_LOG, DBE_VALUE, type IocRecord } from "../record.js";
import { beyondDeadband } from "./common.js";
import { directionSign, softLimitsDefined, stepSize } from "./motor-coordinates.js";

/** MSTA bits, as the motor record documents them. */
export const MSTA = {
  DIRECTION: 1 << 0,
  DONE: 1 << 1,
  PLUS_LS: 1 << 2,
  HOME_LS: 1 << 3,
  POSITION: 1 << 5,
  SLIP_STALL: 1 << 6,
  HOME: 1 << 7,
  PRESENT: 1 << 8,
  PROBLEM: 1 << 9,
  MOVING: 1 << 10,
  GAIN_SUPPORT: 1 << 11,
  COMM_ERR: 1 << 12,
  MINUS_LS: 1 << 13,
  HOMED: 1 << 14,
} as const;

/** The axis as the record last heard of it, in raw (device) terms. */
export interface AxisStatus {
  /** The last motion went towards positive raw positions. */
  positive: boolean;
  moving: boolean;
  plusLimit: boolean;
  minusLimit: boolean;
  homed: boolean;
  atHome: boolean;
  /** Why the last motion failed, when it did for a reason other than a stop. */
  problem: string | undefined;
  /** Why the device cannot be reached (not connected, its readback failing), while it cannot. */
  commError: string | undefined;
}

export function restingAxis(): AxisStatus {
  return {
    positive: true,
    moving: false,
    plusLimit: false,
    minusLimit: false,
    homed: false,
    atHome: false,
    problem: undefined,
    commError: undefined,
  };
}

function statusWord(axis: AxisStatus): number {
  let word = MSTA.POSITION;
  if (axis.positive) word |= MSTA.DIRECTION;
  if (!axis.moving) word |= MSTA.DONE;
  else word |= MSTA.MOVING;
  if (axis.plusLimit) word |= MSTA.PLUS_LS;
  if (axis.minusLimit) word |= MSTA.MINUS_LS;
  if (axis.homed) word |= MSTA.HOMED;
  if (axis.atHome) word |= MSTA.HOME;
  if (axis.problem !== undefined) word |= MSTA.PROBLEM;
  if (axis.commError !== undefined) word |= MSTA.COMM_ERR;
  return word;
}

/** MSTA, TDIR, ATHM and the user limit switches HLS/LLS from the axis. */
export function showAxis(record: IocRecord, axis: AxisStatus): void {
  record.update("MSTA", statusWord(axis));
  record.update("TDIR", axis.positive ? 1 : 0);
  record.update("CDIR", axis.positive ? 1 : 0);
  record.update("ATHM", axis.atHome ? 1 : 0);
  record.update("RHLS", axis.plusLimit ? 1 : 0);
  record.update("RLLS", axis.minusLimit ? 1 : 0);
  // A raw switch is a user one through the signs of MRES and DIR.
  const same = Math.sign(stepSize(record)) * directionSign(record) > 0;
  record.update("HLS", (same ? axis.plusLimit : axis.minusLimit) ? 1 : 0);
  record.update("LLS", (same ? axis.minusLimit : axis.plusLimit) ? 1 : 0);
}

/**
 * alarm_sub: limit switches and soft-limit violations with HLSV, a device out of reach (MSTA's
 * COMM_ERR: COMM, INVALID), then axis problems.
 */
function raiseAlarms(record: IocRecord, axis: AxisStatus): void {
  const hlsv = record.num("HLSV");
  const limits = softLimitsDefined(record);
  const dval = record.num("DVAL");
  if (hlsv && (record.num("HLS") || (limits && dval > record.num("DHLM")))) {
    record.raiseAlarm(STAT.HIGH, hlsv);
  } else if (hlsv && (record.num("LLS") || (limits && dval < record.num("DLLM")))) {
    record.raiseAlarm(STAT.LOW, hlsv);
  }
  if (axis.commError !== undefined) record.raiseAlarm(STAT.COMM, SEVR.INVALID, axis.commError);
  if (axis.problem !== undefined) record.raiseAlarm(STAT.STATE, SEVR.MAJOR, axis.problem);
}

/** RBV with its deadbands MDEL/ADEL (MLST/ALST), and `extra` (an alarm change). */
function postReadback(record: IocRecord, extra: number): void {
  let mask = extra;
  const rbv = record.num("RBV");
  if (beyondDeadband(rbv, record.num("MLST"), record.num("MDEL"))) {
    mask |= DBE_VALUE;
    record.set("MLST", rbv);
  }
  if (beyondDeadband(rbv, record.num("ALST"), record.num("ADEL"))) {
    mask |= DBE_LOG;
    record.set("ALST", rbv);
  }
  if (mask) record.post("RBV", mask);
}

/**
 * The monitors of a pass or a readback update: time stamp, alarms, RBV, and VAL when the pass
 * was a put's (`postVal`) or the alarm changed.
 */
export function monitorMotor(record: IocRecord, axis: AxisStatus, postVal: boolean): void {
  record.stamp();
  showAxis(record, axis);
  raiseAlarms(record, axis);
  const alarm = record.resetAlarms();
  if (postVal || alarm) record.post("VAL", DBE_VALUE | DBE_LOG | alarm);
  postReadback(record, alarm);
}
