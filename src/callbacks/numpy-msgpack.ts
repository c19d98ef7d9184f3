// msgpack_numpy's numpy values read back as a Python peer's `.tolist()` gives them, in
// JSON-able values. msgpack_numpy packs an array as a map `{nd: true, type, kind, shape,
// data}` and a numpy scalar as `{nd: false, type, data}` (keys as bin; `type` is the dtype's
// `dtype.str`, e.g. "<f8", ">i4", "|b1"; `data` the C-ordered bytes). Its decode gives a
// numpy array of `shape` (a 0-d one for shape []) or a numpy scalar; `.tolist()` of those is
// nested lists, or for a 0-d array or a scalar the Python scalar itself.
import { Decoder } from "@msgpack/msgpack";

type Read = (view: DataView, at: number, little: boolean) => number | boolean;

/** IEEE 754 half precision, which DataView does not read in Node 20. */
function readFloat16(view: DataView, at: number, little: boolean): number {
  const bits = view.getUint16(at, little);
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Readers by dtype kind and item size. 64-bit integers become numbers (exact to 2^53). */
const readers: Record<string, Record<number, Read>> = {
  f: {
    2: readFloat16,
    4: (v, at, little) => v.getFloat32(at, little),
    8: (v, at, little) => v.getFloat64(at, little),
  },
  i: {
    1: (v, at) => v.getInt8(at),
    2: (v, at, little) => v.getInt16(at, little),
    4: (v, at, little) => v.getInt32(at, little),
    8: (v, at, little) => Number(v.getBigInt64(at, little)),
  },
  u: {
    1: (v, at) => v.getUint8(at),
    2: (v, at, little) => v.getUint16(at, little),
    4: (v, at, little) => v.getUint32(at, little),
    8: (v, at, little) => Number(v.getBigUint64(at, little)),
  },
  // numpy's bool is one byte, 0 or 1; Python's bool, so true/false.
  b: { 1: (v, at) => v.getUint8(at) !== 0 },
};

interface Dtype {
  readonly size: number;
  readonly little: boolean;
  readonly read: Read;
}

/** A `dtype.str` of a bool, integer or float dtype; undefined for any other (complex...). */
function dtypeOf(type: unknown): Dtype | undefined {
  if (typeof type !== "string") return undefined;
  const match = /^([<>|])([fiub])(\d+)$/.exec(type);
  if (!match) return undefined;
  const [, order, kind, digits] = match as unknown as [string, string, string, string];
  const size = Number(digits);
  const read = readers[kind]?.[size];
  // "|" (byte order not applicable) is only written for one-byte dtypes.
  if (!read || (order === "|" && size !== 1)) return undefined;
  return { size, little: order !== ">", read };
}

function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
}

/**
 * The value of one msgpack_numpy map as `.tolist()` gives it, or undefined if the map is not
 * one this reads: keyed otherwise, or of a dtype other than bool, integer and float (complex,
 * strings, datetimes, structured and object arrays stay maps). Throws where numpy would
 * refuse the map: too few bytes for its shape, or a scalar of no whole item.
 */
export function numpyValue(map: Readonly<Record<string, unknown>>): unknown {
  const { nd, type, data } = map;
  if (typeof nd !== "boolean" || !(data instanceof Uint8Array)) return undefined;
  const dtype = dtypeOf(type);
  if (!dtype) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (!nd) {
    if (data.byteLength === 0 || data.byteLength % dtype.size !== 0) {
      throw new RangeError(`a numpy ${String(type)} scalar of ${data.byteLength} bytes`);
    }
    return dtype.read(view, 0, dtype.little);
  }
  const shape = map.shape;
  if (!isShape(shape)) throw new TypeError(`a numpy array's shape is ${JSON.stringify(shape)}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count * dtype.size > data.byteLength) {
    throw new RangeError(
      `a numpy ${String(type)} array of shape [${shape.join(", ")}] needs ` +
        `${count * dtype.size} bytes and has ${data.byteLength}`,
    );
  }
  const { size, little, read } = dtype;
  const nest = (offset: number, dims: readonly number[]): unknown => {
    if (dims.length === 0) return read(view, offset * size, little);
    const [n, ...rest] = dims as [number, ...number[]];
    const stride = rest.reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => nest(offset + i * stride, rest));
  };
  return nest(0, shape);
}

/**
 * A decoded msgpack tree with each msgpack_numpy map (see numpyValue) replaced by its
 * value; other maps and arrays are changed in place.
 */
export function fromNumpy(value: unknown): unknown {
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromNumpy(value[i]);
    return value;
  }
  const map = value as Record<string, unknown>;
  if ("nd" in map) {
    const numpy = numpyValue(map);
    if (numpy !== undefined) return numpy;
  }
  for (const key in map) map[key] = fromNumpy(map[key]);
  return map;
}

const keyText = new TextDecoder("utf-8", { fatal: true });
const decoder = new Decoder({
  // msgpack_numpy writes its keys as bin: read them as text.
  mapKeyConverter: (key) => {
    if (typeof key === "string" || typeof key === "number") return key;
    if (key instanceof Uint8Array) return keyText.decode(key);
    throw new TypeError(`a map key of type ${typeof key}`);
  },
});

/** msgpack as a Python peer packs it with msgpack_numpy, read into plain values. */
export function decodeNumpyMsgpack(bytes: Uint8Array): unknown {
  return fromNumpy(decoder.decode(bytes));
}
