import { z } from "zod";
import type { PathSegment } from "./source-file.js";

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** Whether every literal field of `option` matches `data`: how a union picks its branch. */
function matchesLiterals(option: z.ZodObject, data: unknown): boolean {
  return Object.entries(option.shape).every(
    ([key, field]) =>
      !(field instanceof z.ZodLiteral) || field.values.has(record(data)[key] as never),
  );
}

/** Sees through optional, default, nullable, preprocess and union wrappers to the schema that checks `data`. */
function unwrap(schema: z.ZodType, data: unknown): z.ZodType | undefined {
  for (let current: z.ZodType | undefined = schema; current;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) {
      current = (current.in instanceof z.ZodTransform ? current.out : current.in) as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      const options: Array<z.ZodType | undefined> = (current.options as z.ZodType[]).map((o) =>
        unwrap(o, data),
      );
      current = options.find(
        (o): o is z.ZodObject => o instanceof z.ZodObject && matchesLiterals(o, data),
      );
    } else return current;
  }
  return undefined;
}

/** The keys the object schema at `path` under `schema` accepts, given the data there. */
export function schemaKeysAt(
  schema: z.ZodType,
  data: unknown,
  path: readonly PathSegment[],
): string[] | undefined {
  let current = unwrap(schema, data);
  for (const segment of path) {
    data = record(data)[segment];
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
    current = current && unwrap(current, data);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}
