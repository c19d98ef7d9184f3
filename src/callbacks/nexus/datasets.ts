import type h5wasm from "h5wasm/node";
import type { DescriptorDataKey } from "../../core/index.js";
import { type ColumnKind, columnKind } from "./columns.js";

export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Group = InstanceType<typeof h5wasm.Group>;
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** About this many bytes of values per chunk of a dataset. */
const CHUNK_BYTES = 1 << 20;
const MAX_CHUNK_ROWS = 1024;

/** One field of a stream: numbers in an extendable dataset, or text kept until stop. */
export interface Column {
  readonly field: string;
  readonly kind: ColumnKind;
  /** The dataset of a numeric column. */
  readonly dataset?: H5Dataset;
  /** The values of a text column, written at stop. */
  readonly text: string[];
}

export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

export function text(group: H5Group, name: string, value: string): H5Dataset {
  return group.create_dataset({ name, data: value, dtype: "S" });
}

/** A start document's value as an attribute: strings, numbers, booleans and their lists as they are, the rest as JSON. */
export function setAttribute(
  group: Pick<H5Group, "create_attribute">,
  name: string,
  value: unknown,
): void {
  if (typeof value === "string") return group.create_attribute(name, value);
  if (typeof value === "boolean")
    return group.create_attribute(name, Uint8Array.of(value ? 1 : 0), [], "<B");
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) {
      return group.create_attribute(name, BigInt64Array.of(BigInt(value)), [], "<q");
    }
    return group.create_attribute(name, Float64Array.of(value), [], "<d");
  }
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((v) => typeof v === "string")) return group.create_attribute(name, value);
    if (value.every((v) => typeof v === "number")) {
      return group.create_attribute(name, Float64Array.from(value), [value.length], "<d");
    }
  }
  group.create_attribute(name, JSON.stringify(value ?? null));
}

export function extendable(
  group: H5Group,
  name: string,
  dtype: string,
  shape: number[],
  empty: ArrayBufferView = new Float64Array(0),
): H5Dataset {
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = Math.max(
    1,
    Math.min(MAX_CHUNK_ROWS, Math.floor(CHUNK_BYTES / (8 * Math.max(size, 1)))),
  );
  return group.create_dataset({
    name,
    data: empty as Float64Array,
    shape: [0, ...shape],
    maxshape: [null, ...shape],
    chunks: [rows, ...shape.map((n) => Math.max(n, 1))],
    dtype,
  });
}

export function makeColumn(group: H5Group, field: string, key: DescriptorDataKey): Column {
  const kind = columnKind(key);
  if (kind.kind === "text") return { field, kind, text: [] };
  const dataset = extendable(group, field, kind.dtype, kind.shape, kind.make([]));
  if (key.units) dataset.create_attribute("units", key.units);
  if (key.source) dataset.create_attribute("source", key.source);
  if (key.precision !== undefined) setAttribute(dataset, "precision", key.precision);
  return { field, kind, dataset, text: [] };
}

export function append(
  dataset: H5Dataset,
  from: number,
  to: number,
  values: ArrayBufferView,
): void {
  const shape = dataset.shape ?? [0];
  dataset.resize([to, ...shape.slice(1)]);
  dataset.write_slice([[from, to]], values);
}
