import type { SourceLocation } from "./problems.js";

/** A field as a database file sets it: the value is the text after macros and escapes. */
export interface DbField {
  readonly name: string;
  readonly value: string;
  readonly at: SourceLocation;
}

export interface DbInfo {
  readonly name: string;
  readonly value: string;
  readonly at: SourceLocation;
}

export interface DbRecord {
  readonly type: string;
  readonly name: string;
  /** Where the record was first defined; `at.file` is the file it came from. */
  readonly at: SourceLocation;
  /** Fields in the order first set; a later definition of the record overrides a value. */
  readonly fields: Map<string, DbField>;
  readonly infos: Map<string, DbInfo>;
  readonly aliases: string[];
}

/** The records of one or more loaded files. */
export interface DbDatabase {
  readonly records: Map<string, DbRecord>;
  /** Alias name -> the record's own name. */
  readonly aliases: Map<string, string>;
}

export function emptyDatabase(): DbDatabase {
  return { records: new Map(), aliases: new Map() };
}
