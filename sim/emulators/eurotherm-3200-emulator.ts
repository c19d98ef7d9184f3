// A Eurotherm 3200 temperature controller on a real Modbus TCP server (modbus-serial's
// ServerTCP on 127.0.0.1), backed by a ThermalLoop on a Clock. It follows the register map
// of the fact sheet (../shared/reference/instruments.md, section 4) on its own: it shares no
// code with the driver, so each checks the other. Choices where the sheet says "unverified"
// match drivers/eurotherm-3200/README.md.
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import modbusSerial from "modbus-serial";
import type { Clock } from "../../src/core/index.js";
import { realClock } from "../../src/core/index.js";
import type { PidControllerOptions } from "../thermal/pid-controller.js";
import { ThermalLoop } from "../thermal/thermal-loop.js";

const { ServerTCP } = modbusSerial;
type ServerTCP = InstanceType<typeof ServerTCP>;

/** Start of the full-resolution region: parameter n is the float32 at 0x8000 + 2n. */
const FLOAT_BASE = 0x8000;

/** Modbus exception codes the emulator answers with. */
const ILLEGAL_FUNCTION = 1;
const ILLEGAL_ADDRESS = 2;
const ILLEGAL_VALUE = 3;
const DEVICE_FAILURE = 4;

/**
 * How a parameter is encoded in the scaled region: temperatures (and rates, bands) with the
 * instrument's decimal places, outputs with one, times in whole seconds (int32 ms in the
 * float region), the status word as an unsigned bitmap.
 */
type Encoding = "temperature" | "percent" | "seconds" | "integer" | "bitmap" | "millivolts";

interface Parameter {
  readonly mnemonic: string;
  readonly encoding: Encoding;
  /** Absent: write-only. */
  readonly read?: () => number;
  /** Absent: read-only. Returns an exception code to refuse the value. */
  readonly write?: (value: number) => number | undefined;
}

export interface Eurotherm3200EmulatorOptions {
  /** Drives the physics (default the real clock). */
  clock?: Clock;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port, see `port` once started. */
  port?: number;
  /** The RTU address it answers to; other unit ids get no reply (default 1). */
  unitId?: number;
  /** Decimal places of temperatures in the scaled region (default 1: 24.5 °C reads 245). */
  decimalPlaces?: number;
  /** °C (default 20). */
  ambient?: number;
  /** °C above ambient at 100 % output (default 400). */
  heaterGain?: number;
  /** Plant time constant, s (default 60). */
  timeConstant?: number;
  /** Output fraction per °C etc.; default PI with kp 0.05 and the integral time = τ. */
  pid?: PidControllerOptions;
  /** Control period, s (default 0.05). */
  dt?: number;
  /** Initial setpoint SP1, °C (default ambient). */
  setpoint?: number;
}

/** A Eurotherm 3200 emulator serving Modbus TCP. Start it with `Eurotherm3200Emulator.start`. */
export class Eurotherm3200Emulator {
  readonly host: string;
  readonly unitId: number;
  readonly decimalPlaces: number;
  readonly clock: Clock;
  private boundPort: number;
  private server: ServerTCP | undefined;
  private readonly loop: ThermalLoop;
  private readonly parameters: ReadonlyMap<number, Parameter>;
  /** Undoes the writes of a block when a later value in it is refused. */
  private readonly snapshot: () => () => void;
  private failures: Array<number> = [];
  private silent = false;
  private requests = 0;

  private constructor(options: Eurotherm3200EmulatorOptions) {
    const { clock = realClock, ambient = 20, timeConstant = 60 } = options;
    this.clock = clock;
    this.host = options.host ?? "127.0.0.1";
    this.boundPort = options.port ?? 0;
    this.unitId = options.unitId ?? 1;
    this.decimalPlaces = options.decimalPlaces ?? 1;
    if (!Number.isInteger(this.unitId) || this.unitId < 1 || this.unitId > 254) {
      throw new RangeError(`unitId must be 1..254, got ${this.unitId}`);
    }
    const pid = options.pid ?? { kp: 0.05, ki: 0.05 / timeConstant, kd: 0 };
    this.loop = new ThermalLoop({
      plant: { ambient, gain: options.heaterGain ?? 400, timeConstant },
      pid,
      dt: options.dt ?? 0.05,
      startTime: clock.now(),
    });
    [this.parameters, this.snapshot] = this.buildParameters(options.setpoint ?? ambient, pid);
  }

  /** Builds the emulator and listens; resolves once it accepts connections. */
  static async start(options: Eurotherm3200EmulatorOptions = {}): Promise<Eurotherm3200Emulator> {
    const emulator = new Eurotherm3200Emulator(options);
    await emulator.listen();
    return emulator;
  }

  /** The TCP port it listens on (also after stop(), for restart()). */
  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `modbus://${this.host}:${this.boundPort}`;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Requests received, answered or not. */
  get requestCount(): number {
    return this.requests;
  }

  /** Process value now, °C. */
  get temperature(): number {
    return this.loop.temperatureAt(this.clock.now());
  }

  /** The setpoint the loop is heading for, °C. */
  get setpoint(): number {
    return this.loop.setpoint;
  }

  /** Heater output now, %. */
  get output(): number {
    return 100 * this.loop.heaterOutputAt(this.clock.now());
  }

  /** The next `count` requests get exception `code` (default 4, SERVER DEVICE FAILURE). */
  failNext(code = DEVICE_FAILURE, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(code);
  }

  /** Requests are read and never answered, until resumeAnswering(). */
  stopAnswering(): void {
    this.silent = true;
  }

  resumeAnswering(): void {
    this.silent = false;
  }

  /** Cuts every client connection; it keeps listening. */
  dropConnections(): void {
    for (const socket of this.server?.socks.keys() ?? []) (socket as Socket).destroy();
  }

  /** Stops listening and cuts every connection; restart() listens again on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    // ServerTCP treats port 0 as "the default 502", so a free port is found first.
    const chosen = this.boundPort;
    for (let attempt = 0; ; attempt++) {
      const port = chosen || (await freePort(this.host));
      try {
        this.server = await this.serve(port);
        this.boundPort = port;
        return;
      } catch (error) {
        const inUse = (error as { code?: string }).code === "EADDRINUSE";
        if (chosen || !inUse || attempt >= 4) throw error;
      }
    }
  }

  private serve(port: number): Promise<ServerTCP> {
    const vector = this.vector();
    return new Promise((resolve, reject) => {
      const server = new ServerTCP(vector, { host: this.host, port, unitID: this.unitId });
      server.on("initialized", () => resolve(server));
      server.on("serverError", (error) => {
        (server as unknown as { _server?: Server })._server?.close();
        reject(error ?? new Error(`cannot listen on ${this.host}:${port}`));
      });
      // A client that resets its socket is normal here; nothing to report.
      server.on("socketError", () => undefined);
      server.on("error", () => undefined);
    });
  }

  /** modbus-serial's service vector, callback style so a silenced request gets no reply. */
  private vector() {
    type Reply<V> = (error: Error | null, value: V) => void;
    // modbus-serial answers an error carrying modbusErrorCode with that exception.
    const refuse = <V>(cb: Reply<V>, code: number): void =>
      cb(Object.assign(new Error(`exception ${code}`), { modbusErrorCode: code }), undefined as V);
    const answer = <V>(cb: Reply<V>, work: () => V): void => {
      this.requests++;
      if (this.silent) return;
      const failure = this.failures.shift();
      if (failure !== undefined) return refuse(cb, failure);
      let result: V;
      try {
        result = work();
      } catch (error) {
        return refuse(cb, error instanceof Refusal ? error.code : DEVICE_FAILURE);
      }
      cb(null, result);
    };
    const noBits = (cb: Reply<boolean>): void => {
      this.requests++;
      // The 3200 has no coils or discrete inputs (FC01/02/05/15 unsupported).
      if (!this.silent) refuse(cb, ILLEGAL_FUNCTION);
    };
    const read = (address: number, count: number): number[] => this.readWords(address, count);
    const readOne = (address: number): number => this.readWords(address, 1)[0]!;
    return {
      getHoldingRegister: (address: number, _unit: number, cb: Reply<number>) =>
        answer(cb, () => readOne(address)),
      getMultipleHoldingRegisters: (
        address: number,
        count: number,
        _unit: number,
        cb: Reply<number[]>,
      ) => answer(cb, () => read(address, count)),
      // FC04 reads the same map (listed by the manual, unverified).
      getInputRegister: (address: number, _unit: number, cb: Reply<number>) =>
        answer(cb, () => readOne(address)),
      getMultipleInputRegisters: (
        address: number,
        count: number,
        _unit: number,
        cb: Reply<number[]>,
      ) => answer(cb, () => read(address, count)),
      setRegister: (address: number, value: number, _unit: number, cb: Reply<undefined>) =>
        answer(cb, () => this.writeWords(address, [value])),
      setRegisterArray: (address: number, values: number[], _unit: number, cb: Reply<undefined>) =>
        answer(cb, () => this.writeWords(address, values)),
      getCoil: (_address: number, _unit: number, cb: Reply<boolean>) => noBits(cb),
      getDiscreteInput: (_address: number, _unit: number, cb: Reply<boolean>) => noBits(cb),
      setCoil: (_address: number, _value: boolean, _unit: number, cb: Reply<boolean>) => noBits(cb),
    };
  }

  /** The words at `address`..+count; throws a Refusal for an address it does not have. */
  private readWords(address: number, count: number): number[] {
    if (count < 1 || count > 125) throw new Refusal(ILLEGAL_VALUE);
    const words: number[] = [];
    // One snapshot per parameter, so both halves of a float come from the same instant.
    const pairs = new Map<string, number[]>();
    for (let a = address; a < address + count; a++) {
      const found = this.locate(a);
      const readParameter = found?.parameter.read;
      if (!found || !readParameter) throw new Refusal(ILLEGAL_ADDRESS);
      const { number, parameter, float, half } = found;
      const key = `${float ? "f" : "s"}${number}`;
      let pair = pairs.get(key);
      if (!pair) {
        const value = readParameter();
        pair = float
          ? encodeFloat(value, parameter.encoding)
          : [encodeScaled(value, parameter.encoding, this.decimalPlaces)];
        pairs.set(key, pair);
      }
      words.push(pair[half]!);
    }
    return words;
  }

  /** Applies every value or none; throws a Refusal naming the exception code. */
  private writeWords(address: number, words: readonly number[]): undefined {
    const writes: Array<[Parameter, number]> = [];
    if (address >= FLOAT_BASE) {
      // A float is written whole: an even offset and two words per parameter.
      if ((address - FLOAT_BASE) % 2 !== 0 || words.length % 2 !== 0) {
        throw new Refusal(ILLEGAL_ADDRESS);
      }
      for (let i = 0; i < words.length; i += 2) {
        const parameter = this.parameters.get((address - FLOAT_BASE) / 2 + i / 2);
        if (!parameter?.write) throw new Refusal(ILLEGAL_ADDRESS);
        writes.push([parameter, decodeFloat(words[i]!, words[i + 1]!, parameter.encoding)]);
      }
    } else {
      for (let i = 0; i < words.length; i++) {
        const parameter = this.parameters.get(address + i);
        if (!parameter?.write) throw new Refusal(ILLEGAL_ADDRESS);
        writes.push([parameter, decodeScaled(words[i]!, parameter.encoding, this.decimalPlaces)]);
      }
    }
    if (writes.some(([, value]) => !Number.isFinite(value))) throw new Refusal(ILLEGAL_VALUE);
    const restore = this.snapshot();
    for (const [parameter, value] of writes) {
      const refused = parameter.write!(value);
      if (refused !== undefined) {
        restore();
        throw new Refusal(refused);
      }
    }
    return undefined;
  }

  private locate(address: number) {
    if (address < FLOAT_BASE) {
      const parameter = this.parameters.get(address);
      return parameter && { number: address, parameter, float: false, half: 0 };
    }
    const number = (address - FLOAT_BASE) >> 1;
    const parameter = this.parameters.get(number);
    return parameter && { number, parameter, float: true, half: (address - FLOAT_BASE) & 1 };
  }

  private buildParameters(
    initialSetpoint: number,
    pid: PidControllerOptions,
  ): [ReadonlyMap<number, Parameter>, () => () => void] {
    const loop = this.loop;
    const clock = this.clock;
    const at = (): number => clock.now();
    const s = {
      sp1: initialSetpoint,
      sp2: initialSetpoint,
      spSelect: 0,
      remoteSp: initialSetpoint,
      localRemote: 0,
      manualOutput: 0,
      // PB in °C: 100 % output across the band, so kp (fraction per °C) = 1 / PB.
      band: pid.kp > 0 ? 1 / pid.kp : 0,
      action: 0,
      integralTime: pid.ki > 0 ? pid.kp / pid.ki : 0,
      derivativeTime: pid.kp > 0 ? pid.kd / pid.kp : 0,
      rangeLow: 0,
      rangeHigh: 1000,
      alarm1: 1000,
      alarm2: 0,
      timerStatus: 0,
      rate: 0,
      spHigh: 1000,
      spLow: 0,
      newAlarm: false,
    };
    const apply = (): void => {
      const target = s.localRemote ? s.remoteSp : s.spSelect ? s.sp2 : s.sp1;
      if (target !== loop.setpoint) loop.setSetpoint(target, at());
    };
    apply();
    const pv = (): number => loop.temperatureAt(at());
    type Write = NonNullable<Parameter["write"]>;
    type Field = {
      [K in keyof typeof s]: (typeof s)[K] extends number ? K : never;
    }[keyof typeof s];
    /** Stores a value the check accepts; refuses others with exception 3. */
    const checked =
      (accept: (value: number) => boolean, assign: (value: number) => void): Write =>
      (value) => {
        if (!accept(value)) return ILLEGAL_VALUE;
        assign(value);
        apply();
        return undefined;
      };
    /** A stored parameter: its read and its checked write. */
    const field = (key: Field, accept: (value: number) => boolean = () => true) =>
      [() => s[key], checked(accept, (value) => (s[key] = value))] as const;
    const oneOf =
      (...allowed: number[]) =>
      (value: number): boolean =>
        allowed.includes(value);
    const inLimits = (value: number): boolean => value >= s.spLow && value <= s.spHigh;
    const nonNegative = (value: number): boolean => value >= 0;
    const statusWord = (): number => {
      const temperature = pv();
      const alarm1 = temperature > s.alarm1;
      const alarm2 = temperature < s.alarm2;
      if (alarm1 || alarm2) s.newAlarm = true;
      let word = 0;
      if (alarm1) word |= 0x0001;
      if (alarm2) word |= 0x0002;
      if (temperature < s.rangeLow || temperature > s.rangeHigh) word |= 0x0400;
      if (s.newAlarm) word |= 0x1000;
      if (loop.isRamping) word |= 0x2000;
      return word;
    };
    const workingSetpoint = (): number => {
      loop.advanceTo(at());
      return loop.rampingSetpoint;
    };
    const setRate = (rate: number): void => {
      s.rate = rate;
      loop.advanceTo(at());
      loop.rampRate = rate / 60; // SP.RAT is per minute; 0 is off
    };

    const table = new Map<number, Parameter>();
    const param = (
      address: number,
      mnemonic: string,
      encoding: Encoding,
      read?: () => number,
      write?: Write,
    ): void => void table.set(address, { mnemonic, encoding, read, write });
    const T = "temperature";
    const selected = (): Field => (s.spSelect ? "sp2" : "sp1");
    param(1, "PV.IN", T, pv);
    param(
      2,
      "TG.SP",
      T,
      () => s[selected()],
      checked(inLimits, (v) => (s[selected()] = v)),
    );
    param(3, "MAN.OP", "percent", ...field("manualOutput", (v) => v >= 0 && v <= 100));
    // Writable in manual only; the emulator models auto only, so always read-only.
    param(4, "WRK.OP", "percent", () => 100 * loop.heaterOutputAt(at()));
    param(5, "WKG.SP", T, workingSetpoint);
    param(6, "PB", T, ...field("band", (v) => v > 0));
    param(7, "CTRL.A", "integer", ...field("action", oneOf(0, 1)));
    param(8, "Ti", "seconds", ...field("integralTime", nonNegative));
    param(9, "Td", "seconds", ...field("derivativeTime", nonNegative));
    param(11, "RNG.LO", T, ...field("rangeLow", (v) => v < s.rangeHigh));
    param(12, "RNG.HI", T, ...field("rangeHigh", (v) => v > s.rangeLow));
    param(13, "A1", T, ...field("alarm1"));
    param(14, "A2", T, ...field("alarm2"));
    param(15, "SP.SEL", "integer", ...field("spSelect", oneOf(0, 1)));
    param(23, "T.STAT", "integer", ...field("timerStatus", oneOf(0, 1, 2, 3)));
    param(24, "SP1", T, ...field("sp1", inLimits));
    param(25, "SP2", T, ...field("sp2", inLimits));
    param(26, "Rm.SP", T, ...field("remoteSp", inLimits));
    param(35, "SP.RAT", T, () => s.rate, checked(nonNegative, setRate));
    param(39, "ERR", T, () => pv() - workingSetpoint());
    param(75, "STATUS", "bitmap", statusWord);
    param(111, "SP.HI", T, ...field("spHigh", (v) => v > s.spLow));
    param(112, "SP.LO", T, ...field("spLow", (v) => v < s.spHigh));
    // Auto only: manual (1) and standby (2) are refused, not faked.
    param(
      199,
      "MODE",
      "integer",
      () => 0,
      checked(oneOf(0), () => undefined),
    );
    // A type K thermocouple, linearised: about 41 µV/°C.
    param(202, "MV.IN", "millivolts", () => 0.041 * pv());
    param(263, "LBR", "integer", () => 0);
    param(
      273,
      "A-M",
      "integer",
      () => 0,
      checked(oneOf(0), () => undefined),
    );
    param(
      274,
      "ACK",
      "integer",
      undefined,
      checked(
        () => true,
        () => (s.newAlarm = false),
      ),
    );
    param(276, "L-R", "integer", ...field("localRemote", oneOf(0, 1)));

    const snapshot = () => {
      const saved = { ...s };
      return () => {
        Object.assign(s, saved);
        loop.advanceTo(at());
        loop.rampRate = s.rate / 60;
        apply();
      };
    };
    return [table, snapshot];
  }
}

/** Thrown inside a request to answer it with a Modbus exception. */
class Refusal {
  constructor(readonly code: number) {}
}

function scaleOf(encoding: Encoding, decimalPlaces: number): number {
  switch (encoding) {
    case "temperature":
      return 10 ** decimalPlaces;
    case "percent":
      return 10;
    case "millivolts":
      return 100;
    default:
      return 1;
  }
}

/** One word of the scaled region: a signed integer (bitmaps unsigned), clamped to fit. */
function encodeScaled(value: number, encoding: Encoding, decimalPlaces: number): number {
  const raw = Math.round(value * scaleOf(encoding, decimalPlaces));
  if (encoding === "bitmap") return raw & 0xffff;
  const clamped = Math.min(0x7fff, Math.max(-0x8000, raw));
  return clamped & 0xffff;
}

function decodeScaled(word: number, encoding: Encoding, decimalPlaces: number): number {
  const raw = encoding === "bitmap" ? word : word >= 0x8000 ? word - 0x10000 : word;
  return raw / scaleOf(encoding, decimalPlaces);
}

/** Two words, high word first: a float32, or int32 milliseconds for times. */
function encodeFloat(value: number, encoding: Encoding): number[] {
  const buffer = Buffer.alloc(4);
  if (encoding === "seconds") buffer.writeInt32BE(Math.round(value * 1000));
  else buffer.writeFloatBE(value);
  return [buffer.readUInt16BE(0), buffer.readUInt16BE(2)];
}

function decodeFloat(high: number, low: number, encoding: Encoding): number {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt16BE(high, 0);
  buffer.writeUInt16BE(low, 2);
  return encoding === "seconds" ? buffer.readInt32BE() / 1000 : buffer.readFloatBE();
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
