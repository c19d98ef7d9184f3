import type { DescriptorDataKey } from "../../core/index.js";

/** How one field of a stream is stored: as numbers in an extendable dataset, or as text. */
export type ColumnKind =
  | {
      kind: "numeric";
      /** h5wasm's dtype string, e.g. "<d", "<H". */
      dtype: string;
      /** The shape of one value: [] for scalars. */
      shape: number[];
      /** Makes the typed array a block of values is written from. */
      make: (values: number[]) => ArrayBufferView;
    }
  | { kind: "text" };

type Maker = (values: number[]) => ArrayBufferView;

const big = (values: number[]): bigint[] =>
  values.map((v) => (Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n));

/** Numpy kind and size → h5wasm's dtype character and the typed array it is written from. */
const NUMERIC: Record<string, [string, Maker]> = {
  f2: ["<f", (v) => Float32Array.from(v)],
  f4: ["<f", (v) => Float32Array.from(v)],
  f8: ["<d", (v) => Float64Array.from(v)],
  i1: ["<b", (v) => Int8Array.from(v)],
  i2: ["<h", (v) => Int16Array.from(v)],
  i4: ["<i", (v) => Int32Array.from(v)],
  i8: ["<q", (v) => BigInt64Array.from(big(v))],
  u1: ["<B", (v) => Uint8Array.from(v)],
  u2: ["<H", (v) => Uint16Array.from(v)],
  u4: ["<I", (v) => Uint32Array.from(v)],
  u8: ["<Q", (v) => BigUint64Array.from(big(v).map((b) => (b < 0n ? 0n : b)))],
  b1: ["<B", (v) => Uint8Array.from(v)],
};

function numeric(code: string, shape: number[]): ColumnKind {
  const [dtype, make] = NUMERIC[code]!;
  return { kind: "numeric", dtype, shape, make };
}

/**
 * The storage of a data key: `dtype_numpy` when it names a number type, else from `dtype`
 * (number → float64, integer → int64, boolean → uint8, array → float64 of the key's shape).
 * Strings, and arrays of unknown shape, are kept as text (arrays as JSON).
 */
export function columnKind(key: DescriptorDataKey): ColumnKind {
  const shape = key.shape ?? [];
  if (!shape.every((n): n is number => Number.isInteger(n) && n !== null && n >= 0)) {
    return { kind: "text" };
  }
  if (key.dtype === "string") return { kind: "text" };
  const numpy = /^[<>|=]?([fiub])(\d+)$/.exec(key.dtype_numpy ?? "");
  const code = numpy ? `${numpy[1]}${numpy[2]}` : undefined;
  if (code && code in NUMERIC) return numeric(code, shape);
  switch (key.dtype) {
    case "integer":
      return numeric("i8", shape);
    case "boolean":
      return numeric("b1", shape);
    default:
      return numeric("f8", shape);
  }
}

/** Flattens one value (a number, boolean, nested array or typed array) into numbers. */
export function flatNumbers(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (typeof value === "boolean") return [value ? 1 : 0];
  if (typeof value === "bigint") return [Number(value)];
  if (value === null || value === undefined) return [Number.NaN];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  }
  if (Array.isArray(value)) return value.flatMap(flatNumbers);
  return [Number(value)];
}

/** A value as text: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return JSON.stringify(Array.from(value as unknown as ArrayLike<number>, Number));
  }
  return JSON.stringify(value ?? null);
}
