// The fields a record asks to have saved, from its info items, as autosave's
// makeAutosaveFiles() reads them:
//   info(autosaveFields, "VAL VELO")   restored before and after record initialization
//   info(autosaveFields_pass0, "VAL")  restored before record initialization only
//   info(autosaveFields_pass1, "VAL")  restored after record initialization only
// synApps needs the passes because links restore only before, arrays only after
// initialization; here every saved field is restored once, before PINI, so the pass only
// tells a runtime that distinguishes them which one was asked for.

/** When a field asked to be restored, by the info name it was listed under. */
export type RestorePass = "both" | "pass0" | "pass1";

export interface AutosaveField {
  /** The field name as listed, upper case, without a long-string `$`. */
  readonly field: string;
  readonly pass: RestorePass;
}

export const AUTOSAVE_INFO_NAMES: Readonly<Record<string, RestorePass>> = {
  autosaveFields: "both",
  autosaveFields_pass0: "pass0",
  autosaveFields_pass1: "pass1",
};

/**
 * The fields listed in a record's autosave info items, each once, in the order listed. A
 * field under two names is restored in both passes.
 */
export function autosaveFieldsOf(
  infos: ReadonlyMap<string, { readonly value: string }>,
): AutosaveField[] {
  const found = new Map<string, RestorePass>();
  for (const [name, pass] of Object.entries(AUTOSAVE_INFO_NAMES)) {
    const info = infos.get(name);
    if (!info) continue;
    for (const word of info.value.split(/\s+/)) {
      if (word === "") continue;
      const field = (word.endsWith("$") ? word.slice(0, -1) : word).toUpperCase();
      const before = found.get(field);
      found.set(field, before === undefined || before === pass ? pass : "both");
    }
  }
  return [...found].map(([field, pass]) => ({ field, pass }));
}

/** The PV names (`rec.FIELD`) of every field the records ask to have saved, in order. */
export function autosavePvsOf(
  records: Iterable<{
    readonly name: string;
    readonly infos: ReadonlyMap<string, { readonly value: string }>;
  }>,
): string[] {
  const pvs: string[] = [];
  for (const record of records) {
    for (const { field } of autosaveFieldsOf(record.infos)) pvs.push(`${record.name}.${field}`);
  }
  return pvs;
}
