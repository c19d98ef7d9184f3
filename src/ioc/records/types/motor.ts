// The motor record (epics-modules/motor) on one of our Motor devices. A pass that starts a
// motion stays open until the motion ends (DMOV 1): only then does the forward link run and a
// put with callback complete. PACT stays false meanwhile, as in motorRecord, so STOP, SPMG or
// a new target reach the record while it moves.
import type { Motor } from "../../../core/index.js";
import { menus } from "../../db/index.js";
import { SEVR, STAT } from "../alarm-codes.js";
import { DBE_PROPERTY, type IocRecord } from "../record.js";
import type { FieldMetadata, RecordSupport } from "../support.js";
import { finish, numericMetadata } from "./common.js";
import { followSpeed, motorFieldCommand, motorFieldSpecial } from "./motor-commands.js";
import {
  dialOf,
  driveFromDial,
  readbackFromDial,
  softLimitsDefined,
  stepSize,
  userLimitsFromDial,
} from "./motor-coordinates.js";
import {
  adoptDeviceSettings,
  deviceLimits,
  type MotorResolver,
  simMotorOf,
} from "./motor-device.js";
import { dialPosition, newMotorState, stateOf, unwatchDevice, watchDevice } from "./motor-move.js";
import { monitorMotor, showAxis } from "./motor-status.js";

export { deviceMotors, MOTOR_DEVICES, type MotorResolver, simMotorOf } from "./motor-device.js";

/** Fields whose display and control limits are the user soft limits, and the dial ones. */
const USER_FIELDS = new Set(["VAL", "RBV", "LVAL", "HLM", "LLM"]);
const DIAL_FIELDS = new Set(["DVAL", "DRBV", "LDVL", "DHLM", "DLLM"]);

/**
 * motorRecord's init_record: sane resolution and speed, limits on both sides, the position.
 * Gives the device back when the record still has no limits and must ask it for them.
 */
function initMotor(record: IocRecord, resolveMotor: MotorResolver): Motor | undefined {
  if (record.num("MRES") === 0) record.set("MRES", 1);
  if (record.num("SREV") <= 0) record.set("SREV", 200);
  record.set("UREV", stepSize(record) * record.num("SREV"));
  if (record.num("ACCL") === 0) record.set("ACCL", 0.1);
  followSpeed(record, record.num("S") !== 0 ? "S" : "VELO");
  if (!softLimitsDefined(record) && (record.num("HLM") !== 0 || record.num("LLM") !== 0)) {
    const ends = [dialOf(record, record.num("HLM")), dialOf(record, record.num("LLM"))];
    record.set("DHLM", Math.max(...ends));
    record.set("DLLM", Math.min(...ends));
  }
  userLimitsFromDial(record);
  if (record.num("DVAL") === 0 && record.num("VAL") !== 0) {
    record.set("DVAL", dialOf(record, record.num("VAL")));
  }
  driveFromDial(record);
  const { motor, unconnected } = resolveMotor(record);
  const limitsUnset = record.num("DHLM") === 0 && record.num("DLLM") === 0;
  if (adoptDeviceSettings(record, motor)) userLimitsFromDial(record);
  const state = newMotorState(motor, record.num("DVAL"));
  record.private = state;
  // A device that did not connect is served all the same, in alarm, as an IOC without its
  // controller; its moves fail.
  state.axis.commError = unconnected;
  if (unconnected === undefined) watchDevice(record, state);
  readbackFromDial(record, dialPosition(state));
  record.set("LVAL", record.num("VAL"));
  record.set("LDVL", record.num("DVAL"));
  record.set("LRVL", record.num("RVAL"));
  record.set("LVIO", 0);
  record.set("LSPG", record.num("SPMG"));
  record.udf = false;
  record.set("STAT", unconnected === undefined ? STAT.NO_ALARM : STAT.COMM);
  record.set("SEVR", unconnected === undefined ? SEVR.NO_ALARM : SEVR.INVALID);
  record.set("AMSG", unconnected ?? "");
  showAxis(record, state.axis);
  const askLimits = limitsUnset && !softLimitsDefined(record) && unconnected === undefined;
  return askLimits ? motor : undefined;
}

/** A controller's limits, asked for at start, as the record's dial limits (and VAL's). */
async function adoptLimitsLater(record: IocRecord, motor: Motor): Promise<void> {
  const limits = await deviceLimits(motor);
  if (!limits || softLimitsDefined(record)) return;
  record.set("DLLM", limits[0]);
  record.set("DHLM", limits[1]);
  userLimitsFromDial(record);
  record.post("VAL", DBE_PROPERTY);
}

function motorMetadata(record: IocRecord, field: string): FieldMetadata {
  const spec = record.info(field)?.spec;
  if (typeof spec === "object" && spec.type === "MENU") return { enumStrings: menus[spec.menu] };
  if (spec === "DEVICE") return { enumStrings: record.kind.devices };
  const metadata = numericMetadata(record, field);
  const limits = USER_FIELDS.has(field)
    ? ["HLM", "LLM"]
    : DIAL_FIELDS.has(field)
      ? ["DHLM", "DLLM"]
      : undefined;
  if (!limits) return metadata;
  const [high, low] = [record.num(limits[0]!), record.num(limits[1]!)];
  return {
    ...metadata,
    upperDisplayLimit: high,
    lowerDisplayLimit: low,
    upperControlLimit: high,
    lowerControlLimit: low,
  };
}

/** The motor record's support, its axes given by `resolveMotor` (default: sim motors). */
export function motorSupport(
  resolveMotor: MotorResolver = (record) => ({ motor: simMotorOf(record) }),
): RecordSupport {
  return {
    init: (record) => {
      const askLimits = initMotor(record, resolveMotor);
      return askLimits ? adoptLimitsLater(record, askLimits) : undefined;
    },
    process(record) {
      const state = stateOf(record);
      const command = state.pending;
      state.pending = undefined;
      command?.();
      monitorMotor(record, state.axis, true);
      if (!state.busy) finish(record);
    },
    afterPut(record, field, value) {
      motorFieldSpecial(record, field);
      // The command runs when the record processes, as motorRecord's do_work.
      const command = motorFieldCommand(record, field, value);
      if (command) stateOf(record).pending = command;
    },
    stop: (record) => unwatchDevice(stateOf(record)),
    metadata: motorMetadata,
  };
}
