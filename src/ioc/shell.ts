// A small iocsh: the commands an EPICS engineer reaches for first, on the running database.
// Pure text in, text out, so `hil ioc` runs it on a terminal and tests call it directly.
import type { CaServer } from "../ca/index.js";
import { menus, recordTypeTables } from "./db/index.js";
import { dbfOf } from "./records/field-types.js";
import {
  type FieldPutError,
  formatField,
  type IocDatabase,
  type IocRecord,
} from "./records/index.js";
import { linkText, splitPvName } from "./records/links.js";

export interface ShellContext {
  readonly database: IocDatabase;
  readonly server?: CaServer;
}

export interface ShellResult {
  readonly output: string;
  /** The shell should end (exit). */
  readonly exit?: boolean;
}

const HELP = [
  "dbl [pattern|type]     list record names (pattern: * and ? wildcards; or a record type)",
  "dbpr name [level]      print a record's fields (level 0: the main ones, 1+: all)",
  "dbgf name.FIELD        get a field",
  "dbpf name.FIELD value  put a field (processing the record as a CA put does)",
  "casr [level]           Channel Access server report (1+: each client)",
  "dbcar [level]          links to other IOCs' PVs: how many connect (1+: those that do not)",
  "help                   this list",
  "exit                   stop the IOC",
].join("\n");

/** dbcar: the CA links and, from level 1, each one that has not connected (a typo shows). */
function dbcar(database: IocDatabase, level: number): string {
  const links = database.caLinkReport();
  const down = links.filter((link) => !link.connected);
  const lines = [`${links.length} CA link(s), ${links.length - down.length} connected`];
  if (level > 0) {
    for (const link of down)
      lines.push(`  ${link.record}.${link.field} -> ${link.pv}: not connected`);
  }
  return lines.join("\n");
}

/** Fields dbpr shows at level 0. */
const MAIN_FIELDS = ["NAME", "RTYP", "DESC", "SCAN", "VAL", "STAT", "SEVR", "UDF", "PACT", "TIME"];

function words(line: string): string[] {
  // Quoted words keep their spaces, as iocsh's argument splitting does.
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** The names of a menu, DEVICE or ENUM field's states; undefined for other fields. */
function choicesOf(record: IocRecord, field: string): readonly string[] | undefined {
  const spec = record.info(field)?.spec;
  if (typeof spec === "object" && spec.type === "MENU") return menus[spec.menu];
  if (spec === "DEVICE") return record.kind.devices;
  if (spec === "ENUM") return record.kind.support.metadata?.(record, field).enumStrings;
  return undefined;
}

/** As dbpr shows it: menus by name, an ENUM (a record's states) by number. */
function fieldText(record: IocRecord, field: string): string {
  if (field === "RTYP") return record.type;
  if (field === "TIME") return new Date(record.time * 1000).toISOString();
  // The runtime keeps PACT beside the fields: the field itself is not kept current.
  if (field === "PACT") return record.pact ? "1" : "0";
  const info = record.info(field);
  if (info?.isLink) return linkText(record.links.get(field));
  const value = record.get(field);
  if (info?.spec !== "ENUM" && typeof value === "number") {
    const name = choicesOf(record, field)?.[value];
    if (name !== undefined) return name;
  }
  return formatField(value);
}

/** As dbgf and dbpf show a field: a state by its name, as DBF_STRING (EPICS does so too). */
function typedText(record: IocRecord, field: string): string {
  const spec = record.info(field)?.spec;
  const value = record.get(field);
  const state = typeof value === "number" ? choicesOf(record, field)?.[value] : undefined;
  if (state !== undefined || spec === undefined) {
    return `DBF_STRING: ${state ?? fieldText(record, field)}`;
  }
  return `DBF_${storedType(record, field, dbfOf(spec))}: ${fieldText(record, field)}`;
}

/** An array or long string's type: the dbd says NOACCESS, FTVL or the value tells. */
function storedType(record: IocRecord, field: string, dbf: string): string {
  if (dbf !== "NOACCESS") return dbf;
  if (record.info("FTVL")) return menus.menuFtype?.[record.num("FTVL")] ?? dbf;
  return typeof record.get(field) === "string" ? "STRING" : dbf;
}

function dbl(database: IocDatabase, pattern: string | undefined): string {
  const names = [...database.records.keys()];
  // `dbl ao` lists the ao records, as EPICS's dbl takes a record type first.
  if (pattern && recordTypeTables[pattern]) {
    return names.filter((name) => database.record(name)?.type === pattern).join("\n");
  }
  const match = glob(pattern || "*");
  return names.filter((name) => match.test(name)).join("\n");
}

function resolve(database: IocDatabase, name: string): { record: IocRecord; field: string } {
  const { recordName, field } = splitPvName(name);
  const record = database.record(recordName);
  if (!record) throw new Error(`no record "${recordName}"`);
  if (field !== "RTYP" && !record.info(field)) {
    throw new Error(`record "${recordName}" (${record.type}) has no field ${field}`);
  }
  return { record, field };
}

function dbpr(database: IocDatabase, name: string, level: number): string {
  const { record } = resolve(database, name);
  const fields =
    level > 0
      ? [
          "RTYP",
          ...[...record.kind.fields.values()]
            .filter((f) => f.caType !== undefined)
            .map((f) => f.name),
        ]
      : MAIN_FIELDS;
  const cells = fields.map((field) => `${field}: ${fieldText(record, field)}`);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 4) lines.push(cells.slice(i, i + 4).join("   "));
  return lines.join("\n");
}

function casr(server: CaServer | undefined, level: number): string {
  if (!server) return "no Channel Access server";
  const circuits = server.circuits();
  const lines = [
    `Channel Access server on TCP port ${server.tcpPort}, UDP port ${server.udpPort}`,
    `${circuits.length} client(s), ${server.beaconsSent} beacon(s) sent`,
  ];
  if (level > 0) {
    for (const c of circuits) {
      lines.push(
        `  ${c.peer} ${c.identity.user}@${c.identity.host}: ${c.channels} channel(s), ` +
          `${c.subscriptions} monitor(s), ${c.backlogBytes} byte(s) queued`,
      );
    }
  }
  return lines.join("\n");
}

/** Runs one command line; errors come back as output, as iocsh prints them. */
export async function runShellLine(context: ShellContext, line: string): Promise<ShellResult> {
  const [command, ...args] = words(line.trim());
  const { database } = context;
  try {
    switch (command) {
      case undefined:
        return { output: "" };
      case "help":
        return { output: HELP };
      case "exit":
        return { output: "", exit: true };
      case "dbl":
        return { output: dbl(database, args[0]) };
      case "dbpr":
        if (!args[0]) return { output: "usage: dbpr name [level]" };
        return { output: dbpr(database, args[0], Number(args[1] ?? 0)) };
      case "dbgf": {
        if (!args[0]) return { output: "usage: dbgf name.FIELD" };
        const { record, field } = resolve(database, args[0]);
        return { output: typedText(record, field) };
      }
      case "dbpf": {
        if (!args[0] || args[1] === undefined) return { output: "usage: dbpf name.FIELD value" };
        const { record, field } = resolve(database, args[0]);
        // dbPutField, as iocsh's dbpf and a plain CA put: made now, even on a busy record,
        // and what it starts (a motor's move) is not waited for.
        await database.put(record, field, args[1], { callback: false });
        return { output: typedText(record, field) };
      }
      case "casr":
        return { output: casr(context.server, Number(args[0] ?? 0)) };
      case "dbcar":
        return { output: dbcar(database, Number(args[0] ?? 0)) };
      default:
        return { output: `unknown command "${command}"; help lists the commands` };
    }
  } catch (error) {
    return { output: `${command}: ${(error as Error | FieldPutError).message}` };
  }
}
