// The vocabulary of a .sav file, shared by its writer and its parser.

/** A saved field: its value as text, or an array's elements as text. */
export type SavedValue = string | readonly string[];

/** The synApps autosave format version whose rules these files follow. */
export const FORMAT_VERSION = "V5.10";
export const ARRAY_MARKER = "@array@";
export const END_MARKER = "<END>";

/** `rec` means `rec.VAL`, as in a request or save file; a long-string `$` is dropped. */
export function normalizePvName(pv: string): string {
  const name = pv.endsWith("$") ? pv.slice(0, -1) : pv;
  return name.includes(".") ? name : `${name}.VAL`;
}
