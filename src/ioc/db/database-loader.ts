// Loads .db/.template files into records, as softIoc's dbLoadRecords does: includes are
// read where they appear, a record defined again with the same type gets the new fields.
import { dirname, isAbsolute, join } from "node:path";
import type { DbStatement, DbValue } from "./db-parser.js";
import { parseDb } from "./db-parser.js";
import type { FileAccess } from "./file-access.js";
import { tokenize } from "./lexer.js";
import type { Macros } from "./macros.js";
import type { DbDatabase, DbRecord } from "./model.js";
import { emptyDatabase } from "./model.js";
import { type DbProblem, DbProblemList, type SourceLocation } from "./problems.js";
import { macroResolver } from "./resolve-token.js";

export interface DbLoadOptions {
  readonly files: FileAccess;
  /** Where `include "x"` looks after the including file's own directory. */
  readonly includePaths?: readonly string[];
}

export interface DbLoadResult {
  readonly database: DbDatabase;
  readonly problems: readonly DbProblem[];
}

const where = (at: SourceLocation): string => `${at.file}:${at.line}:${at.col}`;

/** A character EPICS refuses in record and alias names (it splits NAME.FIELD on '.'). */
const badNameCharacter = /[\s"'.$\p{Cc}]/u;

export class DatabaseLoader {
  readonly database: DbDatabase = emptyDatabase();
  readonly problems = new DbProblemList();

  constructor(private readonly options: DbLoadOptions) {}

  /** Loads a file with the macros softIoc's -m would give it. */
  loadFile(path: string, macros: Macros = new Map()): void {
    const text = this.readTopLevel(path);
    if (text !== undefined) this.loadText(text, path, macros, [path]);
  }

  /** The text of a file named on the command line, or undefined (reported) when there is none. */
  readTopLevel(path: string): string | undefined {
    const text = this.options.files.read(path);
    if (text === undefined) {
      this.problems.add({ file: path, line: 1, col: 1 }, `cannot read ${path}: no such file`);
    }
    return text;
  }

  /** Loads text as if it were the file `file` (whose directory anchors includes). */
  loadText(text: string, file: string, macros: Macros = new Map(), stack: string[] = [file]): void {
    const tokens = tokenize(text, file, this.problems);
    const statements = parseDb(
      text,
      tokens,
      file,
      this.problems,
      macroResolver(macros, this.problems),
    );
    for (const statement of statements) this.apply(statement, file, macros, stack);
  }

  result(): DbLoadResult {
    return { database: this.database, problems: this.problems.problems() };
  }

  private apply(statement: DbStatement, file: string, macros: Macros, stack: string[]): void {
    switch (statement.kind) {
      case "include":
        return this.loadReferenced(statement.file, "include", file, macros, stack);
      case "alias": {
        const record = this.lookUp(statement.record.text);
        if (!record) {
          this.problems.add(
            statement.record.at,
            `alias "${statement.alias.text}" names record "${statement.record.text}", which is not defined`,
          );
          return;
        }
        return this.addAlias(record, statement.alias);
      }
      case "record":
        return this.record(statement);
    }
  }

  /**
   * Loads the file `name` names from inside `file` (an include, or a template of a
   * substitutions file): beside `file` first, then in the include paths.
   */
  loadReferenced(
    name: DbValue,
    what: string,
    file: string,
    macros: Macros,
    stack: string[] = [file],
  ): void {
    const candidates = isAbsolute(name.text)
      ? [name.text]
      : [dirname(file), ...(this.options.includePaths ?? [])].map((d) => join(d, name.text));
    for (const path of candidates) {
      if (stack.includes(path)) {
        this.problems.add(
          name.at,
          `${what} "${name.text}" includes itself (${[...stack, path].join(" -> ")})`,
        );
        return;
      }
      const text = this.options.files.read(path);
      if (text !== undefined) return this.loadText(text, path, macros, [...stack, path]);
    }
    this.problems.add(
      name.at,
      `${what} "${name.text}": no such file (looked for ${candidates.join(", ")})`,
    );
  }

  private lookUp(name: string): DbRecord | undefined {
    return this.database.records.get(this.database.aliases.get(name) ?? name);
  }

  private validName(name: DbValue, what: string): boolean {
    // A macro that failed to expand has been reported already; its placeholder is no second problem.
    if (name.broken) return false;
    const bad = badNameCharacter.exec(name.text);
    if (name.text === "") this.problems.add(name.at, `${what} name is empty`);
    else if (bad) {
      this.problems.add(
        name.at,
        `${what} name "${name.text}" has the character ${JSON.stringify(bad[0])}, which EPICS does not allow in names`,
      );
    }
    return name.text !== "" && !bad;
  }

  private record(s: Extract<DbStatement, { kind: "record" }>): void {
    if (!this.validName(s.name, "record")) return;
    // An alias's name reaches the record it names, as in softIoc.
    const name = this.database.aliases.get(s.name.text) ?? s.name.text;
    let record = this.database.records.get(name);
    if (record && s.type.text !== "*" && s.type.text !== record.type) {
      this.problems.add(
        s.type.at,
        `record "${name}" of type "${record.type}" (${where(record.at)}) defined again with type "${s.type.text}"`,
      );
      return;
    }
    if (!record) {
      if (s.type.text === "*") {
        this.problems.add(
          s.type.at,
          `record(*, "${name}") adds to a record, but "${name}" is not defined`,
        );
        return;
      }
      record = {
        type: s.type.text,
        name,
        at: s.at,
        fields: new Map(),
        infos: new Map(),
        aliases: [],
      };
      this.database.records.set(name, record);
    }
    for (const item of s.items) {
      if (item.kind === "alias") this.addAlias(record, item.name);
      else {
        const entry = { name: item.name.text, value: item.value.text, at: item.name.at };
        (item.kind === "field" ? record.fields : record.infos).set(entry.name, entry);
      }
    }
  }

  private addAlias(record: DbRecord, alias: DbValue): void {
    if (!this.validName(alias, "alias")) return;
    const taken = this.database.records.has(alias.text) || this.database.aliases.has(alias.text);
    if (taken) {
      this.problems.add(
        alias.at,
        `alias "${alias.text}" of record "${record.name}": the name is already in use`,
      );
      return;
    }
    this.database.aliases.set(alias.text, record.name);
    record.aliases.push(alias.text);
  }
}
