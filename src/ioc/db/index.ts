// EPICS database files (.db, .template, .substitutions) parsed into records, with every
// problem located at file:line:col.
import { DatabaseLoader, type DbLoadOptions } from "./database-loader.js";
import { checkDatabase } from "./field-check.js";
import type { Macros } from "./macros.js";
import type { DbDatabase, DbRecord } from "./model.js";
import { loadSubstitutionsFile } from "./substitutions-loader.js";

export { DatabaseLoader, type DbLoadOptions, type DbLoadResult } from "./database-loader.js";
export { checkDatabase, checkRecord, fieldValueProblem, stringFieldSize } from "./field-check.js";
export type { FileAccess } from "./file-access.js";
export { type Macros, expandMacros, parseMacroDefinitions } from "./macros.js";
export type { DbDatabase, DbField, DbInfo, DbRecord } from "./model.js";
export { nodeFileAccess } from "./node-file-access.js";
export { DbError, type DbProblem, formatProblem, type SourceLocation } from "./problems.js";
export { type FieldSpec, commonFields, menus, recordTypeTables } from "./record-types.js";
export { loadSubstitutionsFile, loadSubstitutionsText } from "./substitutions-loader.js";

/** A file to load: a .substitutions file goes through dbLoadTemplate's grammar. */
export interface DbSource {
  readonly path: string;
  readonly macros?: Macros;
}

/**
 * Loads the files, checks every record against its type, and returns the records, or
 * throws a DbError listing every problem of every file.
 */
export function loadDatabase(
  sources: readonly DbSource[],
  options: DbLoadOptions,
  /** Records made in code (devices served as records), loaded after the files. */
  built: readonly DbRecord[] = [],
): DbDatabase {
  const loader = new DatabaseLoader(options);
  for (const { path, macros } of sources) {
    if (path.endsWith(".substitutions")) loadSubstitutionsFile(loader, path, macros);
    else loader.loadFile(path, macros);
  }
  for (const record of built) {
    const earlier = loader.database.records.get(record.name);
    if (earlier) {
      const { file, line } = earlier.at;
      loader.problems.add(record.at, `record "${record.name}" is also defined at ${file}:${line}`);
    } else {
      loader.database.records.set(record.name, record);
    }
  }
  checkDatabase(loader.database, loader.problems);
  loader.problems.throwIfAny();
  return loader.database;
}
