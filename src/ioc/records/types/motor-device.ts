// Where a motor record's axis comes from, by DTYP: "Sim Motor" (the default) builds a simulated
// axis from the record's fields; "hil Device" takes the Motor device OUT "@name" names.
import type { Motor } from "../../../core/index.js";
import { SimMotor } from "../../../../sim/index.js";
import type { IocRecord } from "../record.js";

/** A motor record's device, and why it is not connected when it is not. */
export interface ResolvedMotor {
  readonly motor: Motor;
  readonly unconnected?: string;
}

/** Gives a motor record the Motor device it drives. */
export type MotorResolver = (record: IocRecord) => ResolvedMotor;

/** The motor record's DTYP choices, by index. */
export const MOTOR_DEVICES = { SIM: 0, DEVICE: 1 } as const;

/**
 * A speed field's velocity (VELO, or JVEL/HVEL for jogs and homes, EGU/s) and the acceleration
 * ACCL gives it (seconds from VBAS to full speed), as sent to an axis. 0 falls back to VELO.
 */
export function speedOf(
  record: IocRecord,
  field: "VELO" | "JVEL" | "HVEL" = "VELO",
): { velocity: number; acceleration: number } {
  const chosen = record.num(field) > 0 ? record.num(field) : record.num("VELO");
  const velocity = chosen > 0 ? chosen : 1;
  const seconds = record.num("ACCL") > 0 ? record.num("ACCL") : 0.1;
  const ramp = velocity - Math.max(record.num("VBAS"), 0);
  return { velocity, acceleration: (ramp > 0 ? ramp : velocity) / seconds };
}

/** A signal's value when the device can give it at once (a sim, a mock, a cached reading). */
function valueNow(signal: Motor["lowLimit"]): number | undefined {
  if (!signal.canReadNow()) return undefined;
  const [reading] = Object.values(signal.readNow());
  return typeof reading?.value === "number" ? reading.value : undefined;
}

/**
 * What the database left unset, taken from a device's own settings, as a motor driver reads
 * its controller's: the soft limits (as dial limits), the units, the precision and the speed. True when
 * the limits changed.
 */
export function adoptDeviceSettings(record: IocRecord, motor: Motor): boolean {
  if (record.text("EGU") === "" && motor.units) record.set("EGU", motor.units);
  if (record.num("PREC") === 0 && motor.precision !== undefined) {
    record.set("PREC", motor.precision);
  }
  adoptSpeed(record, motor);
  if (record.num("DHLM") !== 0 || record.num("DLLM") !== 0) return false;
  const [low, high] = [valueNow(motor.lowLimit), valueNow(motor.highLimit)];
  if (low === undefined || high === undefined || low === high) return false;
  record.set("DHLM", high);
  record.set("DLLM", low);
  return true;
}

/** The device's speed for a database that sets no VELO: VELO, and ACCL as seconds to reach it. */
function adoptSpeed(record: IocRecord, motor: Motor): void {
  if (record.num("VELO") !== 0) return;
  const [velocity, acceleration] = [valueNow(motor.velocity), valueNow(motor.acceleration)];
  if (velocity === undefined || !(velocity > 0)) return;
  record.set("VELO", velocity);
  if (acceleration !== undefined && acceleration > 0) record.set("ACCL", velocity / acceleration);
}

/**
 * The device's soft limits when they have to be asked for (a controller's), for a record
 * whose database sets none; undefined when the device has none or cannot say.
 */
export async function deviceLimits(motor: Motor): Promise<[number, number] | undefined> {
  try {
    const [low, high] = await Promise.all([motor.lowLimit.get(), motor.highLimit.get()]);
    return low === high ? undefined : [low, high];
  } catch {
    return undefined;
  }
}

/** A simulated axis at the record's dial position, with its speed, units and precision. */
export function simMotorOf(record: IocRecord): Motor {
  const { velocity, acceleration } = speedOf(record);
  return new SimMotor({
    name: record.name,
    clock: record.host.clock,
    position: record.num("DVAL"),
    velocity,
    acceleration,
    units: record.text("EGU"),
    precision: record.num("PREC"),
  });
}

/** The device name of OUT "@name". */
export function deviceNameOf(record: IocRecord): string | undefined {
  const out = record.text("OUT").trim();
  return out.startsWith("@") ? out.slice(1).trim() : undefined;
}

/**
 * The resolver of an IOC given Motor devices by name: DTYP "hil Device" records take the one
 * OUT "@name" names, the others a sim motor. An unknown name fails the IOC's start; a device
 * in `unconnected` is served with the reason (a COMM alarm, INVALID).
 */
export function deviceMotors(
  devices: ReadonlyMap<string, Motor>,
  unconnected: ReadonlyMap<string, Error> = new Map(),
): MotorResolver {
  return (record) => {
    if (record.num("DTYP") !== MOTOR_DEVICES.DEVICE) return { motor: simMotorOf(record) };
    const name = deviceNameOf(record);
    const motor = name === undefined ? undefined : devices.get(name);
    if (motor) return { motor, unconnected: unconnected.get(name!)?.message };
    const known = [...devices.keys()].join(", ") || "none";
    const out = record.text("OUT");
    throw new Error(
      `motor record "${record.name}": OUT "${out}" names no motor device (the IOC has: ${known})`,
    );
  };
}
