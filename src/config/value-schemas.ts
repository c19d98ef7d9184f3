import { z } from "zod";

/**
 * Numbers in a config may arrive as strings: `${PORT:-502}` substitutes text, and the text
 * stays a string everywhere else (a serial number "0012" must not become 12). Numeric
 * fields use configNumber, which turns a string that spells a finite number into it.
 */
function numericString(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return value;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** A number field, checked by `schema`, that also accepts a numeric string. */
export function configNumber<S extends z.ZodType<number>>(schema: S) {
  return z.preprocess(numericString, schema);
}

/** `[low, high]`, as in `limits: [-10, 10]`. */
export const rangeSchema = z
  .tuple([configNumber(z.number()), configNumber(z.number())])
  .refine(([low, high]) => low <= high, "expected [low, high] with low <= high");

/** Device names and labels become parts of field names (`m1_velocity`), so: identifiers. */
export const identifierSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a name of letters, digits and _");

/** A number > 0 (or a string spelling one), e.g. a velocity or an exposure. */
export const positive = configNumber(z.number().positive());

/** A number >= 0 (or a string spelling one), e.g. a flux or a gap. */
export const nonNegative = configNumber(z.number().nonnegative());
