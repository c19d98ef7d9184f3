// Checks loaded records against the record-type tables: unknown types and fields, and
// values softIoc would refuse to put into numeric, menu, device and string fields.
import type { DbDatabase, DbField, DbRecord } from "./model.js";
import type { DbProblemList } from "./problems.js";
import {
  type FieldSpec,
  type RecordTypeTable,
  commonFields,
  menus,
  recordTypeTables,
} from "./record-types.js";
import { doubleProblem, int64Problem, isInteger } from "./value-syntax.js";

// RTYP is not a stored field, but softIoc takes (and ignores) a value for it.
const ignoredFields = new Set(["RTYP"]);

export function checkDatabase(database: DbDatabase, problems: DbProblemList): void {
  for (const record of database.records.values()) checkRecord(record, problems);
}

export function checkRecord(record: DbRecord, problems: DbProblemList): void {
  const table = recordTypeTables[record.type];
  if (!table) {
    const known = Object.keys(recordTypeTables).join(", ");
    problems.add(
      record.at,
      `record "${record.name}" has unknown type "${record.type}" (known: ${known})`,
    );
    return;
  }
  for (const field of record.fields.values()) {
    const problem = fieldProblem(record, table, field);
    if (problem) problems.add(field.at, `record "${record.name}" (${record.type}): ${problem}`);
  }
}

/**
 * Why a value cannot go in a field of a record type (a field it lacks, a string too long, a
 * number of the wrong kind), or undefined when it can.
 */
export function fieldValueProblem(type: string, name: string, value: string): string | undefined {
  const table = recordTypeTables[type];
  if (!table) return `no record type "${type}"`;
  const at = { file: "", line: 0, col: 0 };
  const record = { type, name: "", at, fields: new Map(), infos: new Map(), aliases: [] };
  return fieldProblem(record, table, { name, value, at });
}

/** The size of a string field of a record type, with its terminating zero; undefined for others. */
export function stringFieldSize(type: string, name: string): number | undefined {
  const table = recordTypeTables[type];
  const spec = table && specOf(table, name);
  return typeof spec === "object" && spec.type === "STRING" ? spec.size : undefined;
}

function specOf(table: RecordTypeTable, name: string): FieldSpec | undefined {
  return Object.hasOwn(commonFields, name)
    ? commonFields[name]
    : Object.hasOwn(table.fields, name)
      ? table.fields[name]
      : undefined;
}

function fieldProblem(
  record: DbRecord,
  table: RecordTypeTable,
  field: DbField,
): string | undefined {
  const { name, value } = field;
  if (ignoredFields.has(name)) return undefined;
  const spec = specOf(table, name);
  if (!spec) {
    const sameLetters = specOf(table, name.toUpperCase())
      ? ` (field names are upper case: ${name.toUpperCase()})`
      : "";
    return `${record.type} records have no field "${name}"${sameLetters}`;
  }
  if (name === "NAME") return `field NAME cannot be set: the record's name is "${record.name}"`;
  if (spec === "NOACCESS")
    return `field ${name} is internal and cannot be set from a database file`;
  // An empty value leaves the field at its default, whatever its type.
  if (value === "") return undefined;
  const bad = (why: string): string => `field ${name} value "${value}" ${why}`;
  if (typeof spec === "object" && spec.type === "STRING") {
    const length = Buffer.byteLength(value, "utf8");
    return length > spec.size - 1
      ? bad(`is ${length} characters long; ${name} holds at most ${spec.size - 1}`)
      : undefined;
  }
  if (typeof spec === "object") return menuProblem(spec.menu, value, bad);
  switch (spec) {
    case "CHAR":
    case "UCHAR":
    case "SHORT":
    case "USHORT":
    case "LONG":
    case "ULONG":
    case "ENUM":
      return isInteger(value) ? undefined : bad("is not an integer");
    case "INT64":
    case "UINT64": {
      const why = int64Problem(value, spec === "INT64");
      return why && bad(why);
    }
    case "FLOAT":
    case "DOUBLE": {
      const why = doubleProblem(value);
      return why && bad(why);
    }
    case "DEVICE":
      return table.devices.includes(value)
        ? undefined
        : bad(
            `is no device support of ${record.type} records (softIoc has: ${table.devices.map((d) => `"${d}"`).join(", ")})`,
          );
    default:
      // Links are checked when the records are built, where their targets are known.
      return undefined;
  }
}

function menuProblem(
  menu: string,
  value: string,
  bad: (why: string) => string,
): string | undefined {
  const choices = menus[menu]!;
  if (choices.includes(value)) return undefined;
  // softIoc also takes an index, from -1 up to the number of choices (both tried).
  if (isInteger(value)) {
    const index = Number(value.trim());
    return index >= -1 && index <= choices.length
      ? undefined
      : bad(`is no index of menu ${menu} (-1..${choices.length})`);
  }
  const near = choices.find(
    (c) => c.toLowerCase().replace(/\s/g, "") === value.toLowerCase().replace(/\s|s$/g, ""),
  );
  const hint = near
    ? `; did you mean "${near}"?`
    : `; choices: ${choices.map((c) => `"${c}"`).join(", ")}`;
  return bad(`is not a choice of menu ${menu}${hint}`);
}
