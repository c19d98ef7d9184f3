// Macro references as EPICS macLib expands them: $(NAME) and ${NAME}, a default after `=`,
// references nested in names, defaults and values. An undefined macro without a default is
// reported and left in the text as `$(NAME,undefined)`, the text macLib leaves there.

export type Macros = ReadonlyMap<string, string>;

/** A problem found while expanding, at `index` in the text that was expanded. */
export interface MacroProblem {
  readonly index: number;
  readonly message: string;
}

export interface Expansion {
  readonly text: string;
  readonly problems: readonly MacroProblem[];
}

const closerOf: Readonly<Record<string, string>> = { "(": ")", "{": "}" };

/** Whether a macro reference, `$(` or `${`, starts at `i` in `text`. */
export function isReference(text: string, i: number): boolean {
  return text[i] === "$" && (text[i + 1] === "(" || text[i + 1] === "{");
}

/**
 * The index just past the reference opened by `$` at `start` (text[start + 1] is `(` or `{`),
 * or -1 when it is not closed before the end of the text.
 */
export function endOfReference(text: string, start: number): number {
  const closers = [closerOf[text[start + 1]!]!];
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i]!;
    if (isReference(text, i)) {
      closers.push(closerOf[text[i + 1]!]!);
      i++;
    } else if (c === closers[closers.length - 1]) {
      closers.pop();
      if (closers.length === 0) return i + 1;
    }
  }
  return -1;
}

/** Index of the first `=` in a reference body that is not inside a nested reference. */
function topLevelEquals(body: string): number {
  for (let i = 0; i < body.length; i++) {
    if (isReference(body, i)) {
      const end = endOfReference(body, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (body[i] === "=") return i;
  }
  return -1;
}

export function expandMacros(text: string, macros: Macros): Expansion {
  const problems: MacroProblem[] = [];
  const out = expandInto(text, macros, [], problems, 0);
  return { text: out, problems };
}

/**
 * Expands `text`; `active` holds the macros being expanded (to catch a macro defined by
 * itself) and `base` maps an index here to one in the caller's text, for problems.
 */
function expandInto(
  text: string,
  macros: Macros,
  active: readonly string[],
  problems: MacroProblem[],
  base: number,
): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (!isReference(text, i)) {
      out += c;
      i++;
      continue;
    }
    const end = endOfReference(text, i);
    if (end < 0) {
      problems.push({ index: base + i, message: `macro reference ${text.slice(i)} is not closed` });
      return out + text.slice(i);
    }
    const body = text.slice(i + 2, end - 1);
    const eq = topLevelEquals(body);
    const rawName = eq < 0 ? body : body.slice(0, eq);
    // Problems inside a nested reference are placed at the outer reference.
    const name = expandInto(rawName, macros, active, problems, base + i);
    const value = macros.get(name);
    if (active.includes(name)) {
      problems.push({
        index: base + i,
        message: `macro ${name} refers to itself (${[...active, name].join(" -> ")})`,
      });
      out += `$(${name},recursive)`;
    } else if (value !== undefined) {
      out += expandInto(value, macros, [...active, name], problems, base + i);
    } else if (eq >= 0) {
      out += expandInto(body.slice(eq + 1), macros, active, problems, base + i);
    } else {
      problems.push({ index: base + i, message: `macro ${name} is undefined` });
      out += `$(${name},undefined)`;
    }
    i = end;
  }
  return out;
}

export interface DefinitionsResult {
  readonly macros: Map<string, string>;
  /** Problems with the index in the definitions string where each starts. */
  readonly problems: readonly MacroProblem[];
}

/**
 * Parses `NAME=value,NAME2=value` as softIoc's -m and dbLoadRecords take it: spaces around
 * names and values are dropped, a value may be quoted ("..." or '...') to keep commas and
 * spaces, and a backslash takes the next character as it is.
 */
export function parseMacroDefinitions(text: string): DefinitionsResult {
  const macros = new Map<string, string>();
  const problems: MacroProblem[] = [];
  let i = 0;
  const skipSpaces = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  while (i < text.length) {
    skipSpaces();
    if (i >= text.length) break;
    const start = i;
    let name = "";
    while (i < text.length && text[i] !== "=" && text[i] !== ",") name += text[i++];
    name = name.trim();
    if (text[i] !== "=") {
      problems.push({
        index: start,
        message: name
          ? `macro definition "${name}" has no "=" and value`
          : "empty macro definition",
      });
      i++;
      continue;
    }
    if (!name) problems.push({ index: start, message: "macro definition has no name before =" });
    i++; // past "="
    skipSpaces();
    let value = "";
    let trailingSpaces = 0;
    while (i < text.length && text[i] !== ",") {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, i + 1);
        if (close < 0) {
          problems.push({ index: i, message: `value of macro ${name} has an unterminated ${c}` });
          value += text.slice(i + 1);
          i = text.length;
          break;
        }
        value += text.slice(i + 1, close);
        i = close + 1;
        trailingSpaces = 0;
      } else if (c === "\\" && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
        trailingSpaces = 0;
      } else {
        value += c;
        trailingSpaces = /\s/.test(c) ? trailingSpaces + 1 : 0;
        i++;
      }
    }
    i++; // past ","
    if (name) macros.set(name, value.slice(0, value.length - trailingSpaces));
  }
  return { macros, problems };
}
