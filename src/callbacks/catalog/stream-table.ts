import type { NamedDocument } from "../../core/index.js";
import { unpackEventPage } from "../../core/index.js";
import { csvCell } from "../csv-writer.js";
import { CatalogLookupError } from "./errors.js";

/** One stream of a run as a table: `seq_num`, `time`, then the stream's fields. */
export interface StreamTable {
  columns: string[];
  rows: unknown[][];
}

/** The events of one stream of a run's documents, as rows in seq_num order. */
export function streamTable(
  documents: readonly NamedDocument[],
  stream: string,
  where: string,
): StreamTable {
  const descriptors = new Map<string, string[]>();
  const fields: string[] = [];
  const rows: unknown[][] = [];
  const names = new Set<string>();
  for (const [name, doc] of documents) {
    if (name === "descriptor") {
      names.add(doc.name);
      if (doc.name !== stream) continue;
      const keys = Object.keys(doc.data_keys);
      descriptors.set(doc.uid, keys);
      for (const key of keys) if (!fields.includes(key)) fields.push(key);
    }
    const events =
      name === "event" ? [doc] : name === "event_page" ? unpackEventPage(doc) : undefined;
    if (!events) continue;
    for (const event of events) {
      if (!descriptors.has(event.descriptor)) continue;
      rows.push([event.seq_num, event.time, ...fields.map((field) => event.data[field])]);
    }
  }
  if (descriptors.size === 0) {
    const have = names.size > 0 ? [...names].join(", ") : "none";
    throw new CatalogLookupError(`${where}: no stream "${stream}" (streams: ${have})`);
  }
  // Fields added by a later descriptor leave the earlier rows short: pad them.
  const width = 2 + fields.length;
  for (const row of rows) while (row.length < width) row.push(undefined);
  return { columns: ["seq_num", "time", ...fields], rows };
}

export function tableAsCsv(table: StreamTable): string {
  return [table.columns, ...table.rows].map((row) => `${row.map(csvCell).join(",")}\n`).join("");
}

/** An array of one object per row, keyed by column. */
export function tableAsJson(table: StreamTable): string {
  const records = table.rows.map((row) =>
    Object.fromEntries(table.columns.map((column, i) => [column, row[i] ?? null])),
  );
  return `${JSON.stringify(records, null, 2)}\n`;
}
