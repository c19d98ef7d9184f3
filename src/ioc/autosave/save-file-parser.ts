// Reads a .sav file whole before anything is applied: a file with no <END> line (a save
// cut short), or with a line that is not of the format, is rejected as a whole, so a
// restore never applies half a file.
import { unescapeText } from "./escapes.js";
import { ARRAY_MARKER, END_MARKER, normalizePvName, type SavedValue } from "./save-file-format.js";

export type SaveFileParse =
  | {
      readonly ok: true;
      /** PV name (`rec.FIELD`) -> value, in file order; a later line wins. */
      readonly values: Map<string, SavedValue>;
      /** Things to report that do not make the file untrustworthy, each `file:line: ...`. */
      readonly warnings: string[];
    }
  | { readonly ok: false; readonly problem: string };

/** Characters a PV name may start with, as autosave accepts them. */
const PV_FIRST_CHAR = /^[A-Za-z0-9_\-+:[\]<>;]/;

class SaveFileProblem extends Error {}

export function parseSaveFile(text: string, file: string): SaveFileParse {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const values = new Map<string, SavedValue>();
  const warnings: string[] = [];
  const fail = (index: number, message: string): SaveFileParse => ({
    ok: false,
    problem: `${file}:${index + 1}: ${message}`,
  });
  let ended = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (ended) {
      if (line.trim() !== "") return fail(i, `text after the ${END_MARKER} line`);
      continue;
    }
    const match = /^\s*(\S+)/.exec(line);
    if (!match) continue;
    const name = match[1]!;
    // One separator character, then the value exactly: leading spaces may be part of it.
    const value = line.slice(match[0].length + 1);
    if (name.startsWith(END_MARKER)) {
      ended = true;
      continue;
    }
    const comment = name.startsWith("#");
    if (!comment && name.startsWith("!")) {
      warnings.push(`${file}:${i + 1}: the save was incomplete: ${line.trim()}`);
      continue;
    }
    if (!comment && !PV_FIRST_CHAR.test(name)) {
      return fail(i, `"${name}" is not a PV name`);
    }
    let saved: SavedValue;
    if (value.startsWith(ARRAY_MARKER)) {
      try {
        const array = parseArray(lines, i, match[0].length + 1 + ARRAY_MARKER.length);
        saved = array.elements;
        i = array.lastLine;
      } catch (e) {
        if (e instanceof SaveFileProblem) return { ok: false, problem: `${file}:${e.message}` };
        throw e;
      }
    } else {
      saved = unescapeText(value);
    }
    // A commented-out line is a PV that had no value to save; its array is only skipped.
    if (!comment) values.set(normalizePvName(name), saved);
  }
  if (!ended) {
    return fail(
      Math.max(lines.length - 1, 0),
      `no ${END_MARKER} line: the file was cut short, so none of it is restored`,
    );
  }
  return { ok: true, values, warnings };
}

/**
 * Reads `{ "a" "b" }` starting on line `first` at column `from`. Elements may be spread
 * over lines, as autosave allows; a line break inside an element is dropped, as there.
 */
function parseArray(
  lines: readonly string[],
  first: number,
  from: number,
): { elements: string[]; lastLine: number } {
  const problem = (line: number, message: string): SaveFileProblem =>
    new SaveFileProblem(`${line + 1}: ${message}`);
  let row = first;
  let text = lines[row]!;
  let col = from;
  const skipSpace = (): boolean => {
    for (;;) {
      while (col < text.length && /\s/.test(text[col]!)) col++;
      if (col < text.length) return true;
      if (row + 1 >= lines.length) return false;
      text = lines[++row]!;
      col = 0;
    }
  };
  while (col < text.length && /\s/.test(text[col]!)) col++;
  if (text[col] !== "{") throw problem(row, `expected "{" after ${ARRAY_MARKER}`);
  col++;
  const elements: string[] = [];
  for (;;) {
    if (!skipSpace()) throw problem(first, `the array is not closed with "}"`);
    const ch = text[col]!;
    if (ch === "}") {
      if (text.slice(col + 1).trim() !== "") throw problem(row, `text after the array's "}"`);
      return { elements, lastLine: row };
    }
    if (ch !== '"') throw problem(row, `unexpected "${ch}" in an array: elements are "quoted"`);
    const start = row;
    let raw = "";
    for (col++; ; col++) {
      if (col >= text.length) {
        if (row + 1 >= lines.length) throw problem(start, "an array element is not closed");
        text = lines[++row]!;
        col = -1;
        continue;
      }
      const c = text[col]!;
      if (c === '"') break;
      if (c === "\\" && col + 1 < text.length) {
        raw += c + text[++col]!;
        continue;
      }
      raw += c;
    }
    col++;
    elements.push(unescapeText(raw));
  }
}
