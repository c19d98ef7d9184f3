// Fixture paths as problems show them (relative to the cwd), and the lines of a ConfigError.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { ConfigError } from "../../src/config/index.js";

export function fixture(name: string): string {
  return relative(process.cwd(), fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)));
}

/** Awaits a load expected to fail and returns its ConfigError's lines. */
export async function problemLines(loading: Promise<unknown>): Promise<string[]> {
  const error: unknown = await loading.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  const { message, code } = error as ConfigError;
  expect(code).toBe("HIL_CONFIG");
  return message.split("\n");
}
