// Fields as text, for the shell (dbgf, dbpf) and autosave: a value put from text without
// processing, as dbPut is.
import { putField } from "./field-put.js";
import type { IocRecord } from "./record.js";

/** Puts text (or, for an array field, several texts) into a field without processing it. */
export function putText(record: IocRecord, field: string, text: string | readonly string[]): void {
  const value = typeof text === "string" ? text : Float64Array.from(text, Number);
  putField(record, field, value, { process: false });
}
