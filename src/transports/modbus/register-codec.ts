// Pure conversions between engineering values and 16-bit Modbus registers. Each register
// travels big-endian (high byte first) as the Modbus spec fixes; only the order of the words
// of a 32-bit value differs between devices, and that is `wordOrder`.

/** How a value is laid out in registers. */
export type RegisterType = "int16" | "uint16" | "int32" | "uint32" | "float32";

/**
 * Order of the two words of a 32-bit value: `big` puts the high word first (ABCD, the
 * Eurotherm float region), `little` the low word first (CDAB, "word swapped").
 */
export type WordOrder = "big" | "little";

export interface RegisterCodecOptions {
  type: RegisterType;
  /** Default `big`; ignored by 16-bit types. */
  wordOrder?: WordOrder;
  /** value = raw × scale + offset (default 1). */
  scale?: number;
  /** Added after scaling (default 0). */
  offset?: number;
  /**
   * value = raw / 10^decimalPlaces + offset: how the Eurotherm sends 24.5 °C as 245 with one
   * decimal place. Exclusive with `scale`; dividing keeps 3 / 10 exactly 0.3.
   */
  decimalPlaces?: number;
}

const RANGES: Record<RegisterType, readonly [number, number]> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
};

/**
 * Where words become values and back. One for the module: each conversion fills and reads it
 * without yielding, and a fresh ArrayBuffer per value costs more than the rest of a decode.
 */
const scratch = new DataView(new ArrayBuffer(4));

/** Registers a value of `type` takes: 1 or 2. */
export function registerCount(type: RegisterType): 1 | 2 {
  return type === "int16" || type === "uint16" ? 1 : 2;
}

/** Whether decoded values of these options are always whole numbers. */
export function decodesToInteger(options: RegisterCodecOptions): boolean {
  const { type, scale = 1, offset = 0, decimalPlaces = 0 } = checkOptions(options);
  return type !== "float32" && scale === 1 && decimalPlaces === 0 && Number.isInteger(offset);
}

/** The engineering value held by `words` (uint16 each, as read from the wire). */
export function decodeRegisters(words: ArrayLike<number>, options: RegisterCodecOptions): number {
  const { type, wordOrder = "big" } = checkOptions(options);
  const count = registerCount(type);
  if (words.length !== count) {
    throw new RangeError(`${type} takes ${count} register(s), got ${words.length}`);
  }
  const view = scratch;
  for (let i = 0; i < count; i++) {
    const word = words[i]!;
    if (!Number.isInteger(word) || word < 0 || word > 0xffff) {
      throw new RangeError(`register ${i} must be a uint16, got ${word}`);
    }
    const slot = count === 2 && wordOrder === "little" ? 1 - i : i;
    view.setUint16(slot * 2, word);
  }
  const raw = readRaw(view, type);
  return applyScale(raw, options);
}

/**
 * The registers that hold `value`, ready to write. Integer types round to the nearest raw
 * step; a value outside the type's range or not finite throws a RangeError.
 */
export function encodeRegisters(value: number, options: RegisterCodecOptions): number[] {
  const { type, wordOrder = "big" } = checkOptions(options);
  if (!Number.isFinite(value)) throw new RangeError(`cannot encode ${value} as ${type}`);
  const unscaled = removeScale(value, options);
  const raw = type === "float32" ? unscaled : Math.round(unscaled);
  const [low, high] = RANGES[type];
  if (raw < low || raw > high) {
    const scaled = raw === value ? "" : ` (raw ${raw} after scaling)`;
    throw new RangeError(`${value}${scaled} is outside the ${type} range [${low}, ${high}]`);
  }
  const view = scratch;
  writeRaw(view, type, raw);
  const count = registerCount(type);
  const words: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = count === 2 && wordOrder === "little" ? 1 - i : i;
    words.push(view.getUint16(slot * 2));
  }
  return words;
}

/** Registers as the bytes on the wire (each word high byte first). */
export function registersToBytes(words: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(words.length * 2);
  for (let i = 0; i < words.length; i++) {
    bytes[2 * i] = (words[i]! >> 8) & 0xff;
    bytes[2 * i + 1] = words[i]! & 0xff;
  }
  return bytes;
}

/** Bytes from the wire as registers; an odd length throws. */
export function bytesToRegisters(bytes: ArrayLike<number>): number[] {
  if (bytes.length % 2 !== 0) throw new RangeError(`odd byte count ${bytes.length}`);
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!) & 0xffff);
  return words;
}

function checkOptions(options: RegisterCodecOptions): RegisterCodecOptions {
  const { type, wordOrder, scale, offset, decimalPlaces } = options;
  if (!(type in RANGES)) throw new RangeError(`unknown register type ${JSON.stringify(type)}`);
  if (wordOrder !== undefined && wordOrder !== "big" && wordOrder !== "little") {
    throw new RangeError(`wordOrder must be "big" or "little", got ${JSON.stringify(wordOrder)}`);
  }
  if (scale !== undefined && (!Number.isFinite(scale) || scale === 0)) {
    throw new RangeError(`scale must be finite and non-zero, got ${scale}`);
  }
  if (offset !== undefined && !Number.isFinite(offset)) {
    throw new RangeError(`offset must be finite, got ${offset}`);
  }
  if (decimalPlaces !== undefined) {
    if (!Number.isInteger(decimalPlaces) || decimalPlaces < 0 || decimalPlaces > 9) {
      throw new RangeError(`decimalPlaces must be an integer 0..9, got ${decimalPlaces}`);
    }
    if (scale !== undefined) throw new RangeError("give scale or decimalPlaces, not both");
  }
  return options;
}

function applyScale(raw: number, { scale, offset = 0, decimalPlaces }: RegisterCodecOptions) {
  const scaled = decimalPlaces ? raw / 10 ** decimalPlaces : raw * (scale ?? 1);
  return scaled + offset;
}

function removeScale(value: number, { scale, offset = 0, decimalPlaces }: RegisterCodecOptions) {
  const shifted = value - offset;
  return decimalPlaces ? shifted * 10 ** decimalPlaces : shifted / (scale ?? 1);
}

function readRaw(view: DataView, type: RegisterType): number {
  switch (type) {
    case "int16":
      return view.getInt16(0);
    case "uint16":
      return view.getUint16(0);
    case "int32":
      return view.getInt32(0);
    case "uint32":
      return view.getUint32(0);
    case "float32":
      return view.getFloat32(0);
  }
}

function writeRaw(view: DataView, type: RegisterType, raw: number): void {
  switch (type) {
    case "int16":
      return view.setInt16(0, raw);
    case "uint16":
      return view.setUint16(0, raw);
    case "int32":
      return view.setInt32(0, raw);
    case "uint32":
      return view.setUint32(0, raw);
    case "float32":
      return view.setFloat32(0, raw);
  }
}
