import { type FileAccess, type Macros, expandMacros, nodeFileAccess } from "../db/index.js";
import { DbProblemList } from "../db/problems.js";
import { AcfError } from "./errors.js";
import { tokenizeAcf } from "./lexer.js";
import type { AcfConfig } from "./model.js";
import { parseAcfTokens } from "./parser.js";

export interface AcfParseOptions {
  /** Where the text came from, for `file:line:col` in problems. */
  readonly file?: string;
  /**
   * Macros to expand first, as softIoc's `-m` does for `-a` files. Without them `$(X)` is
   * left alone (and then refused), as asLib does when given no substitutions.
   */
  readonly macros?: Macros;
}

/** Expands each line on its own, as asLib does, so line numbers stay those of the file. */
function expandLines(text: string, file: string, macros: Macros, problems: DbProblemList): string {
  return text
    .split("\n")
    .map((line, index) => {
      const expansion = expandMacros(line, macros);
      for (const { index: col, message } of expansion.problems) {
        problems.add({ file, line: index + 1, col: col + 1 }, message);
      }
      return expansion.text;
    })
    .join("\n");
}

/** Parses an .acf text; throws AcfError listing every problem, each at file:line:col. */
export function parseAcf(text: string, options: AcfParseOptions = {}): AcfConfig {
  const file = options.file ?? "<acf>";
  const problems = new DbProblemList();
  const expanded = options.macros ? expandLines(text, file, options.macros, problems) : text;
  // Past an undefined macro asLib reads nothing more, and its leftover text would only
  // add confusing syntax errors.
  if (problems.problems().length > 0) throw new AcfError(problems.problems());
  const lines = expanded.split("\n");
  const endAt = { file, line: lines.length, col: lines[lines.length - 1]!.length + 1 };
  const tokens = tokenizeAcf(expanded, file, problems);
  const config = parseAcfTokens(tokens, endAt, problems, new DbProblemList());
  const found = problems.problems();
  if (found.length > 0) throw new AcfError(found);
  return config;
}

/** Reads and parses an .acf file; a missing file is an AcfError too. */
export function loadAcf(
  path: string,
  options: Omit<AcfParseOptions, "file"> & { readonly files?: FileAccess } = {},
): AcfConfig {
  const text = (options.files ?? nodeFileAccess).read(path);
  if (text === undefined) {
    throw new AcfError([{ file: path, line: 1, col: 1, message: "no such file" }]);
  }
  return parseAcf(text, { file: path, ...(options.macros ? { macros: options.macros } : {}) });
}
