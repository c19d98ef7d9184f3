import type { DatabaseLoader } from "./database-loader.js";
import { tokenize } from "./lexer.js";
import type { Macros } from "./macros.js";
import { macroResolver } from "./resolve-token.js";
import { parseSubstitutions } from "./substitutions-parser.js";

/**
 * Loads every template instance of a .substitutions file into `loader`, as dbLoadTemplate
 * does. `macros` (softIoc's -m) are expanded in the substitutions file itself and are
 * defaults under each row's own definitions.
 */
export function loadSubstitutionsText(
  loader: DatabaseLoader,
  text: string,
  file: string,
  macros: Macros = new Map(),
): void {
  const tokens = tokenize(text, file, loader.problems, true);
  const resolve = macroResolver(macros, loader.problems);
  for (const instance of parseSubstitutions(tokens, file, loader.problems, resolve)) {
    const row = `${file}:${instance.at.line}:${instance.at.col}`;
    loader.problems.within(`template loaded by ${row}`, () =>
      loader.loadReferenced(
        instance.template,
        "template",
        file,
        new Map([...macros, ...instance.macros]),
      ),
    );
  }
}

export function loadSubstitutionsFile(
  loader: DatabaseLoader,
  path: string,
  macros: Macros = new Map(),
): void {
  const text = loader.readTopLevel(path);
  if (text !== undefined) loadSubstitutionsText(loader, text, path, macros);
}
