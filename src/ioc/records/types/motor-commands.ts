// What a put to each of the motor record's fields does (motorRecord's special and do_work):
// targets checked against the soft limits, SET mode's recalibration, tweaks, homing, jogs,
// STOP and SPMG, and the offsets and limits kept consistent between user and dial.
import type { FieldValue } from "../field-types.js";
import type { IocRecord } from "../record.js";
import {
  deadband,
  dialLimitsFromUser,
  dialOf,
  directionSign,
  driveFromDial,
  readbackFromDial,
  softLimitsDefined,
  stepSize,
  userLimitsFromDial,
  withinDialLimits,
} from "./motor-coordinates.js";
import {
  dialPosition,
  driveToReadback,
  haltMotion,
  type MotorState,
  startMotion,
  stateOf,
} from "./motor-move.js";

const SET_MODE = 1;
const FOFF_FROZEN = 1;
const SPMG = { STOP: 0, PAUSE: 1, MOVE: 2, GO: 3 } as const;
/** How far a jog goes when the axis has no soft limits, in EGU. */
const UNLIMITED_JOG = 1e9;

function motionAllowed(record: IocRecord): boolean {
  const spmg = record.num("SPMG");
  return spmg === SPMG.MOVE || spmg === SPMG.GO;
}

/** Remembers the accepted drive values (LVAL, LDVL, LRVL) a refused target returns to. */
function keepDrive(record: IocRecord): void {
  record.update("LVAL", record.num("VAL"));
  record.update("LDVL", record.num("DVAL"));
  record.update("LRVL", record.num("RVAL"));
}

/**
 * A move to `dial`: outside the soft limits it sets LVIO and restores the last target; within
 * RDBD of the axis at rest DMOV still goes 0 then 1, so a client waiting for it sees the move.
 */
export function moveToDial(record: IocRecord, state: MotorState, dial: number): void {
  if (!withinDialLimits(record, dial)) {
    record.update("LVIO", 1);
    record.update("VAL", record.num("LVAL"));
    record.update("DVAL", record.num("LDVL"));
    record.update("RVAL", record.num("LRVL"));
    return;
  }
  record.update("LVIO", 0);
  record.update("DVAL", dial);
  driveFromDial(record);
  keepDrive(record);
  record.update("RCNT", 0);
  if (!motionAllowed(record)) return;
  if (!state.busy && Math.abs(dial - dialPosition(state)) <= deadband(record)) {
    record.update("DMOV", 0);
    record.update("DMOV", 1);
    return;
  }
  startMotion(record, state, "move", dial);
}

/** SET mode's LOAD_POS: the axis is now at `dial`, and nothing moves. */
function redefineDial(record: IocRecord, state: MotorState, dial: number): void {
  state.calibration = dial - state.position;
  record.update("DVAL", dial);
  driveFromDial(record);
  keepDrive(record);
  readbackFromDial(record, dial);
}

/** A new user target: in SET mode a recalibration (OFF, or the dial when FOFF is Frozen). */
function requestUser(record: IocRecord, state: MotorState, user: number): void {
  if (record.num("SET") !== SET_MODE) {
    moveToDial(record, state, dialOf(record, user));
    return;
  }
  if (record.num("FOFF") === FOFF_FROZEN) {
    redefineDial(record, state, dialOf(record, user));
    return;
  }
  record.update("OFF", user - record.num("DVAL") * directionSign(record));
  followOffset(record, state);
  keepDrive(record);
}

/** OFF or DIR changed: the user values follow the dial ones. */
function followOffset(record: IocRecord, state: MotorState): void {
  driveFromDial(record);
  readbackFromDial(record, dialPosition(state));
  userLimitsFromDial(record);
}

/** JOGF/JOGR: towards the soft limit in that user direction, until the field goes back to 0. */
function jog(record: IocRecord, state: MotorState, forward: boolean, on: boolean): void {
  if (!on) {
    if (state.busy && state.kind === "jog") haltMotion(record, state, "stop");
    return;
  }
  if (!motionAllowed(record)) return;
  const dialForward = (directionSign(record) === 1) === forward;
  const target = softLimitsDefined(record)
    ? record.num(dialForward ? "DHLM" : "DLLM")
    : dialPosition(state) + (dialForward ? UNLIMITED_JOG : -UNLIMITED_JOG);
  startMotion(record, state, "jog", target);
}

function changeSpmg(record: IocRecord, state: MotorState, spmg: number): void {
  const previous = record.num("LSPG");
  record.update("LSPG", spmg);
  if (spmg === SPMG.STOP) {
    if (state.busy) haltMotion(record, state, "stop");
    else driveToReadback(record, state);
  } else if (spmg === SPMG.PAUSE) {
    haltMotion(record, state, "pause");
  } else if (previous === SPMG.STOP || previous === SPMG.PAUSE) {
    // Go or Move after a pause resumes towards the kept target.
    const dial = record.num("DVAL");
    if (Math.abs(dial - dialPosition(state)) > deadband(record)) {
      startMotion(record, state, "move", dial);
    }
  }
}

/** What a put to a field does at once, processed or not (motorRecord's special). */
export function motorFieldSpecial(record: IocRecord, field: string): void {
  const state = stateOf(record);
  switch (field) {
    case "OFF":
    case "DIR":
      return followOffset(record, state);
    case "HLM":
    case "LLM":
      return dialLimitsFromUser(record, field);
    case "DHLM":
    case "DLLM":
      return userLimitsFromDial(record);
    case "MRES":
    case "SREV":
      record.update("UREV", stepSize(record) * record.num("SREV"));
      return followOffset(record, state);
    case "SSET":
    case "SUSE":
      record.update("SET", field === "SSET" ? 1 : 0);
      return;
    case "VELO":
    case "S":
      return followSpeed(record, field);
    default:
      return;
  }
}

/** VELO within VBAS..VMAX (VMAX 0: no bound), and S, its revolutions per second, beside it. */
export function followSpeed(record: IocRecord, field: "VELO" | "S"): void {
  const perRevolution = Math.abs(record.num("UREV")) || 1;
  let velocity = field === "S" ? record.num("S") * perRevolution : record.num("VELO");
  const vmax = record.num("VMAX");
  if (vmax > 0) velocity = Math.min(velocity, vmax);
  velocity = Math.max(velocity, record.num("VBAS"));
  record.update("VELO", velocity);
  record.update("S", velocity / perRevolution);
}

/**
 * What a put to a field asks the record to do when it processes (motorRecord's do_work): a
 * put without processing (autosave, dbpf) moves nothing until the record processes.
 */
export function motorFieldCommand(
  record: IocRecord,
  field: string,
  value: FieldValue,
): (() => void) | undefined {
  const state = stateOf(record);
  const on = value !== 0;
  switch (field) {
    case "VAL":
      return () => requestUser(record, state, record.num("VAL"));
    case "DVAL":
    case "RVAL":
      return () => {
        const dial = field === "DVAL" ? record.num("DVAL") : record.num("RVAL") * stepSize(record);
        if (record.num("SET") === SET_MODE) redefineDial(record, state, dial);
        else moveToDial(record, state, dial);
      };
    case "RLV":
      return () => {
        const relative = record.num("RLV");
        record.update("LRLV", relative);
        record.update("RLV", 0);
        requestUser(record, state, record.num("VAL") + relative);
      };
    case "TWF":
    case "TWR":
      return () => {
        record.update(field, 0);
        const step = field === "TWF" ? record.num("TWV") : -record.num("TWV");
        if (on) requestUser(record, state, record.num("VAL") + step);
      };
    case "STOP":
      return () => {
        record.update("STOP", 0);
        if (!on) return;
        if (state.busy) haltMotion(record, state, "stop");
        else driveToReadback(record, state);
      };
    case "SPMG":
      return () => changeSpmg(record, state, record.num("SPMG"));
    case "HOMF":
    case "HOMR":
      return () => {
        if (on && motionAllowed(record)) startMotion(record, state, "home", 0);
        else record.update(field, 0);
      };
    case "JOGF":
    case "JOGR":
      return () => jog(record, state, field === "JOGF", on);
    case "SYNC":
      return () => {
        record.update("SYNC", 0);
        if (on && !state.busy) driveToReadback(record, state);
      };
    default:
      return undefined;
  }
}
