/**
 * A document's value as plain JSON-able data, which Python reads as lists and numbers:
 * typed arrays (not DataView) become plain arrays of numbers, bigints become numbers, and
 * fields whose value is undefined are left out. Arrays and objects are copied only where
 * something inside them changes; what needs no change is returned as it is.
 */
export function plainJson(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "object" || value === null) return value;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return value;
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const changed = plainJson(item);
      if (changed !== item) (copy ??= value.slice())[i] = changed;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    const changed = item === undefined ? undefined : plainJson(item);
    if (copy === undefined && (item === undefined || changed !== item)) {
      // The keys before this one were kept as they are.
      copy = {};
      for (const before of keys.slice(0, i)) copy[before] = record[before];
    }
    if (copy !== undefined && changed !== undefined) copy[key] = changed;
  }
  return copy ?? value;
}
