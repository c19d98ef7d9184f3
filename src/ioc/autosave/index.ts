// Autosave as synApps has it: fields named in a record's `info(autosaveFields, "...")` are
// written to a .sav file when they change and restored before PINI at the next start. The
// files are autosave's own format; a damaged one is reported and never half applied.
export { Autosave, type AutosaveOptions, type FieldReader } from "./autosave.js";
export { type AutosaveFs, nodeAutosaveFs } from "./autosave-fs.js";
export {
  AUTOSAVE_INFO_NAMES,
  type AutosaveField,
  type RestorePass,
  autosaveFieldsOf,
  autosavePvsOf,
} from "./info-fields.js";
export type { BootBackup, RestoredValues } from "./restore.js";
export { type SavedValue, normalizePvName } from "./save-file-format.js";
export { type SaveFileParse, parseSaveFile } from "./save-file-parser.js";
export { type ReadSaveFileResult, backupPathOf, readSaveFile } from "./save-file-store.js";
export { type SaveEntry, renderSaveFile } from "./save-file-writer.js";
