import { UsageError } from "./usage-error.js";

/** `--md key=value`: the value as JSON when it parses (numbers, true, lists), else the text. */
export function parseMetadata(pairs: readonly string[]): Record<string, unknown> {
  const md: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const key = pair.slice(0, at);
    if (at < 1 || !/^[^./]+$/.test(key)) {
      throw new UsageError(`--md ${pair}: expected key=value, with no "." or "/" in the key`);
    }
    const text = pair.slice(at + 1);
    try {
      md[key] = JSON.parse(text);
    } catch {
      md[key] = text;
    }
  }
  return md;
}
