// The Eurotherm 3200 Modbus register map as data, from the fact sheet
// (../shared/reference/instruments.md, section 4). Choices where the sheet says "unverified"
// are listed in README.md.
import type { ModbusRegisterSpec } from "../../src/transports/index.js";

/**
 * How a parameter is encoded in the scaled-integer region. `temperature`: a signed integer
 * with the instrument's decimal places (24.5 °C is 245 with one); `percent`: one decimal
 * place; `seconds`: whole seconds (int32 milliseconds in the float region); `integer`: an
 * enum or count; `bitmap`: an unsigned 16-bit word; `millivolts`: two decimal places.
 */
export type Encoding = "temperature" | "percent" | "seconds" | "integer" | "bitmap" | "millivolts";

export type Access = "R" | "RW" | "W";

export interface Eurotherm3200Parameter {
  /** PDU address in the scaled region; the float region holds it at 0x8000 + 2 × address. */
  readonly address: number;
  readonly mnemonic: string;
  readonly description: string;
  readonly access: Access;
  readonly encoding: Encoding;
  /** Names of the raw values of an enum, index = value. */
  readonly choices?: readonly string[];
}

const p = (
  address: number,
  mnemonic: string,
  access: Access,
  encoding: Encoding,
  description: string,
  choices?: readonly string[],
): Eurotherm3200Parameter => ({
  address,
  mnemonic,
  access,
  encoding,
  description,
  ...(choices ? { choices } : {}),
});

/** Instrument mode (199). */
export const MODE_CHOICES = ["auto", "manual", "standby"] as const;
/** Setpoint source (L-R, 276). */
export const LOCAL_REMOTE_CHOICES = ["local", "remote"] as const;

/** Every parameter of the fact sheet's map, by a camelCase key. */
export const PARAMETERS = {
  processValue: p(1, "PV.IN", "R", "temperature", "process value (temperature)"),
  targetSetpoint: p(2, "TG.SP", "RW", "temperature", "target setpoint (EEPROM-backed)"),
  manualOutput: p(3, "MAN.OP", "RW", "percent", "manual output value"),
  workingOutput: p(4, "WRK.OP", "R", "percent", "working output (R/W in manual)"),
  workingSetpoint: p(5, "WKG.SP", "R", "temperature", "working setpoint (after the ramp)"),
  proportionalBand: p(6, "PB", "RW", "temperature", "proportional band"),
  controlAction: p(7, "CTRL.A", "RW", "integer", "control action", ["reverse", "direct"]),
  integralTime: p(8, "Ti", "RW", "seconds", "integral time (0 = off)"),
  derivativeTime: p(9, "Td", "RW", "seconds", "derivative time (0 = off)"),
  rangeLow: p(11, "RNG.LO", "RW", "temperature", "input range low"),
  rangeHigh: p(12, "RNG.HI", "RW", "temperature", "input range high"),
  alarm1: p(13, "A1", "RW", "temperature", "alarm 1 threshold"),
  alarm2: p(14, "A2", "RW", "temperature", "alarm 2 threshold"),
  setpointSelect: p(15, "SP.SEL", "RW", "integer", "active setpoint", ["SP1", "SP2"]),
  timerStatus: p(23, "T.STAT", "RW", "integer", "timer status", ["reset", "run", "hold", "end"]),
  setpoint1: p(24, "SP1", "RW", "temperature", "setpoint 1 (EEPROM)"),
  setpoint2: p(25, "SP2", "RW", "temperature", "setpoint 2 (EEPROM)"),
  remoteSetpoint: p(26, "Rm.SP", "RW", "temperature", "remote (comms) setpoint"),
  setpointRate: p(35, "SP.RAT", "RW", "temperature", "setpoint rate limit, per minute (0 = off)"),
  error: p(39, "ERR", "R", "temperature", "error = PV - SP"),
  status: p(75, "STATUS", "R", "bitmap", "instrument status bitmap"),
  setpointHigh: p(111, "SP.HI", "RW", "temperature", "setpoint high limit"),
  setpointLow: p(112, "SP.LO", "RW", "temperature", "setpoint low limit"),
  instrumentMode: p(199, "MODE", "RW", "integer", "instrument mode", MODE_CHOICES),
  measuredInput: p(202, "MV.IN", "R", "millivolts", "measured input value, mV"),
  loopBreak: p(263, "LBR", "R", "integer", "loop break"),
  loopMode: p(273, "A-M", "RW", "integer", "loop mode", ["auto", "manual"]),
  acknowledgeAlarms: p(274, "ACK", "W", "integer", "acknowledge all alarms (write 1)"),
  localRemote: p(276, "L-R", "RW", "integer", "setpoint source", LOCAL_REMOTE_CHOICES),
} as const satisfies Record<string, Eurotherm3200Parameter>;

export type ParameterKey = keyof typeof PARAMETERS;

/** Start of the full-resolution region. */
export const FLOAT_REGION_BASE = 0x8000;

/** Where a parameter's float32 (or int32 ms) lives: 0x8000 + 2 × address. */
export function floatAddress(address: number): number {
  return FLOAT_REGION_BASE + 2 * address;
}

/** The register region a driver reads: scaled integers (default) or full-resolution floats. */
export type Region = "scaled" | "float";

/**
 * The Modbus signal spec of a parameter. In the scaled region temperatures take the
 * instrument's `decimalPlaces`. With `region: "float"`, measured and set values (temperatures,
 * outputs, times, millivolts) come from the float region (float32, high word first; times
 * int32 ms) at full resolution; enums and bitmaps stay in the scaled region, where an integer
 * loses nothing.
 */
export function registerSpec(
  parameter: Eurotherm3200Parameter,
  region: Region,
  decimalPlaces: number,
): ModbusRegisterSpec {
  const { address, encoding, choices, access } = parameter;
  const verifyOnConnect = access !== "W";
  const numeric = encoding !== "integer" && encoding !== "bitmap";
  if (region === "float" && numeric) {
    const at = floatAddress(address);
    return encoding === "seconds"
      ? { table: "holding", address: at, type: "int32", scale: 0.001, verifyOnConnect }
      : { table: "holding", address: at, type: "float32", wordOrder: "big", verifyOnConnect };
  }
  return {
    table: "holding",
    address,
    type: encoding === "bitmap" ? "uint16" : "int16",
    ...(numeric ? { decimalPlaces: scaledDecimalPlaces(encoding, decimalPlaces) } : {}),
    ...(choices ? { choices } : {}),
    verifyOnConnect,
  };
}

/** Decimal places of an encoding in the scaled region. */
export function scaledDecimalPlaces(encoding: Encoding, instrumentPlaces: number): number {
  switch (encoding) {
    case "temperature":
      return instrumentPlaces;
    case "percent":
      return 1;
    case "millivolts":
      return 2;
    default:
      return 0;
  }
}

/** Bits of the instrument status word (address 75). */
export const STATUS_BITS = {
  alarm1: 0x0001,
  alarm2: 0x0002,
  alarm3: 0x0004,
  alarm4: 0x0008,
  sensorBreak: 0x0020,
  loopBreak: 0x0040,
  heaterFail: 0x0080,
  loadFail: 0x0100,
  programEnd: 0x0200,
  pvOutOfRange: 0x0400,
  newAlarm: 0x1000,
  rampRunning: 0x2000,
  remoteSetpointFail: 0x4000,
} as const;

export type InstrumentStatus = Record<keyof typeof STATUS_BITS, boolean>;

/** The status word as named flags. */
export function decodeStatus(word: number): InstrumentStatus {
  const flags = {} as InstrumentStatus;
  for (const [name, mask] of Object.entries(STATUS_BITS)) {
    flags[name as keyof InstrumentStatus] = (word & mask) !== 0;
  }
  return flags;
}

/** The names of the flags set in a status word, e.g. ["alarm1", "newAlarm"]. */
export function activeStatusFlags(word: number): Array<keyof typeof STATUS_BITS> {
  return (Object.keys(STATUS_BITS) as Array<keyof typeof STATUS_BITS>).filter(
    (name) => (word & STATUS_BITS[name]) !== 0,
  );
}
