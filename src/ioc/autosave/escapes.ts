// Backslash escapes as EPICS writes them (epicsStrnEscapedFromRaw) and reads them back
// (epicsStrnRawFromEscaped), so a value with a line break stays on one line of a save file.

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};

const UNESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** `text` with backslashes and control characters escaped; `extra` lists more to escape. */
export function escapeText(text: string, extra = ""): string {
  let out = "";
  for (const ch of text) {
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) out += simple;
    else if (extra.includes(ch)) out += `\\${ch}`;
    else if (ch < " " || ch === "\x7f")
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

/**
 * Undoes escapeText, and every other C escape EPICS reads (`\"`, `\'`, `\?`, octal `\ooo`,
 * hex `\xhh`). An unknown escape stands for its character, and a lone trailing backslash
 * for itself, as in EPICS.
 */
export function unescapeText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== "\\" || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text[++i]!;
    const simple = UNESCAPES[next];
    if (simple !== undefined) {
      out += simple;
    } else if (next === "x" && /^[0-9a-fA-F]/.test(text.slice(i + 1))) {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(hex, 16));
      i += hex.length;
    } else if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(text.slice(i))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length - 1;
    } else {
      out += next;
    }
  }
  return out;
}
