import type { z } from "zod";
import { didYouMean } from "./close-names.js";
import type { PathSegment } from "./source-file.js";

type Issue = z.core.$ZodIssue;

/** A zod issue in a config's words, placed at a path relative to the data validated. */
export interface IssueProblem {
  path: PathSegment[];
  message: string;
  /** An unknown key is shown at the key, everything else at the value. */
  at: "value" | "key";
}

/** The keys an object at `path` may have, for "did you mean" on an unknown key. */
export type KeysAt = (path: readonly PathSegment[]) => readonly string[] | undefined;

const typeNames: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  tuple: "a list",
  object: "a mapping",
  record: "a mapping",
};

function typeName(expected: string): string {
  return typeNames[expected] ?? expected;
}

/** How a value read from YAML is shown in a message. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "a mapping";
  return String(value);
}

function got(issue: { input?: unknown }): string {
  return "input" in issue && issue.input !== undefined ? `, got ${describeValue(issue.input)}` : "";
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(", ")}`;
}

function bound(issue: Issue & { code: "too_small" | "too_big" }): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === "array") {
    const items = `${limit} item${limit === 1 ? "" : "s"}`;
    if (issue.exact) return `expected a list of ${items}`;
    return `expected at ${small ? "least" : "most"} ${items}`;
  }
  if (issue.origin === "string") {
    if (small && limit === 1) return "expected a non-empty string";
    return `expected at ${small ? "least" : "most"} ${limit} characters`;
  }
  const op = small ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
  return `expected a number ${op} ${limit}`;
}

/** A union's message: the types it takes, or the issues of the branch that got furthest. */
function unionProblems(issue: Issue & { code: "invalid_union" }, keysAt: KeysAt): IssueProblem[] {
  const base = issue.path.map(segment);
  if (issue.discriminator !== undefined) {
    const input = issue.input as Record<string, unknown> | undefined;
    const value = input?.[issue.discriminator];
    const options = "options" in issue ? (issue.options ?? []) : [];
    const message =
      value === undefined
        ? `missing, expected ${oneOf(options)}`
        : `expected ${oneOf(options)}, got ${describeValue(value)}`;
    return [{ path: base, message, at: "value" }];
  }
  const branches = issue.errors;
  const shallow = branches.every((issues) => issues.every((i) => i.path.length === 0));
  if (!shallow) {
    // A branch whose type matched but whose content did not: report its issues.
    const deep = branches.find((issues) => issues.every((i) => i.path.length > 0)) ?? branches[0];
    return (deep ?? []).flatMap((i) =>
      issueProblems([{ ...i, path: [...issue.path, ...i.path] } as Issue], keysAt),
    );
  }
  const expected = branches.flatMap((issues) =>
    issues.map((i) =>
      i.code === "invalid_type"
        ? typeName(i.expected)
        : i.code === "invalid_value"
          ? i.values.map((v) => JSON.stringify(v)).join(" or ")
          : i.message,
    ),
  );
  const wanted = `expected ${[...new Set(expected)].join(" or ")}`;
  const message = issue.input === undefined ? `missing, ${wanted}` : `${wanted}${got(issue)}`;
  return [{ path: base, message, at: "value" }];
}

function segment(key: PropertyKey): PathSegment {
  return typeof key === "number" ? key : String(key);
}

/**
 * Turns zod issues into one message each, in the words of a YAML file:
 * `expected a number, got "fast"`, `missing, expected a string`, `unknown key "velocty"
 * (did you mean "velocity"?)`. Validate with `reportInput: true` so messages show the value.
 */
export function issueProblems(
  issues: readonly Issue[],
  keysAt: KeysAt = () => undefined,
): IssueProblem[] {
  return issues.flatMap((issue): IssueProblem[] => {
    const path = issue.path.map(segment);
    const at = (message: string): IssueProblem[] => [{ path, message, at: "value" }];
    switch (issue.code) {
      case "invalid_type":
        if (issue.input === undefined) return at(`missing, expected ${typeName(issue.expected)}`);
        return at(`expected ${typeName(issue.expected)}${got(issue)}`);
      case "invalid_value":
        return at(`expected ${oneOf(issue.values)}${got(issue)}`);
      case "too_small":
      case "too_big": {
        const { input } = issue as { input?: unknown };
        const count = Array.isArray(input) ? `, got ${input.length}` : got(issue);
        return at(`${bound(issue)}${count}`);
      }
      case "not_multiple_of":
        return at(`expected a multiple of ${issue.divisor}${got(issue)}`);
      case "invalid_format":
        return at(`${issue.message}${got(issue)}`);
      case "unrecognized_keys": {
        const known = keysAt(path) ?? [];
        return issue.keys.map((key) => ({
          path: [...path, key],
          message: `unknown key "${key}"${didYouMean(key, known, known.length > 0 ? ` (expected one of: ${known.join(", ")})` : "")}`,
          at: "key",
        }));
      }
      case "invalid_union":
        return unionProblems(issue, keysAt);
      default:
        return at(issue.message);
    }
  });
}
