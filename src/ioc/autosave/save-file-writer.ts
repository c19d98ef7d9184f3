// Writes synApps autosave's .sav format, so the files read as users of EPICS know them:
//   # save/restore V5.10	Automatically generated - DO NOT MODIFY - 261206-213709
//   BL:m1.VELO 2.5
//   BL:wf.VAL @array@ { "1" "2.5" }
//   <END>
// The <END> line comes last: a file without it was cut short and is not trusted.
import { ARRAY_MARKER, END_MARKER, FORMAT_VERSION, type SavedValue } from "./save-file-format.js";
import { escapeText } from "./escapes.js";

/** One line to write: a value, or `undefined` for a PV whose value could not be read. */
export interface SaveEntry {
  readonly pv: string;
  readonly value: SavedValue | undefined;
}

/** The header line; `stamp` is when, as YYMMDD-HHMMSS. */
export function saveFileHeader(stamp: string): string {
  return `# save/restore ${FORMAT_VERSION}\tAutomatically generated - DO NOT MODIFY - ${stamp}`;
}

/**
 * The lines after the header, <END> included. A PV that could not be read is written as a
 * comment and counted in a `!` line, as autosave does, so a restore keeps its old value.
 */
export function saveFileBody(entries: Iterable<SaveEntry>): string {
  const lines: string[] = [];
  let unread = 0;
  for (const { pv, value } of entries) {
    if (value === undefined) {
      unread++;
      lines.push(`#${pv} `);
    } else {
      lines.push(`${pv} ${formatValue(value)}`);
    }
  }
  if (unread > 0) {
    lines.unshift(`! ${unread} channel(s) not connected - or not all gets were successful`);
  }
  lines.push(END_MARKER);
  return `${lines.join("\n")}\n`;
}

export function renderSaveFile(entries: Iterable<SaveEntry>, stamp: string): string {
  return `${saveFileHeader(stamp)}\n${saveFileBody(entries)}`;
}

function formatValue(value: SavedValue): string {
  if (typeof value === "string") {
    const text = escapeText(value);
    // Text that would read as an array marker is escaped; `\@` reads back as `@`.
    return text.startsWith(ARRAY_MARKER) ? `\\${text}` : text;
  }
  const elements = value.map((v) => `"${escapeText(v, '"')}" `).join("");
  return `${ARRAY_MARKER} { ${elements}}`;
}
