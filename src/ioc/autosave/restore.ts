// The restore at start: the .sav file if it is whole, else its .savB backup, else nothing.
// A damaged file is reported, set aside under a _RBAD_ name for a person to look at (the
// next save would overwrite it), and none of its values is applied.
import type { AutosaveFs } from "./autosave-fs.js";
import { dateStamp } from "./date-stamp.js";
import type { SavedValue } from "./save-file-format.js";
import { backupPathOf, loadSaveFile, why, writeFileAtomically } from "./save-file-store.js";

/**
 * The copy of the restored file kept at each start, as autosave does: `auto.sav.bu`
 * (`plain`), `auto.sav_YYMMDD-HHMMSS` (`dated`, one per start) or none.
 */
export type BootBackup = "plain" | "dated" | "none";

export interface RestoreOptions {
  readonly file: string;
  readonly fs: AutosaveFs;
  readonly log: (message: string) => void;
  /** POSIX seconds, for dated names. */
  readonly now: number;
  readonly bootBackup: BootBackup;
}

export interface RestoredValues {
  /** PV name (`rec.FIELD`) -> saved value; empty when no file could be used. */
  readonly values: ReadonlyMap<string, SavedValue>;
  /** The file the values came from: the .sav file, its .savB backup, or undefined. */
  readonly source: string | undefined;
  /** Every problem and warning reported on the way, also given to the log. */
  readonly messages: readonly string[];
}

export async function restoreSaveFile(options: RestoreOptions): Promise<RestoredValues> {
  const { file, fs } = options;
  const messages: string[] = [];
  const report = (message: string): void => {
    messages.push(message);
    options.log(message);
  };
  const candidates = [file, backupPathOf(file)];
  for (const [index, path] of candidates.entries()) {
    const { result, text } = await loadSaveFile(path, fs);
    if (result.ok) {
      result.warnings.forEach(report);
      if (index > 0) report(`${file}: restored from the backup ${path}`);
      await keepBootBackup(options, text!, report);
      return { values: result.values, source: path, messages };
    }
    if (result.missing) continue;
    report(`${result.problem}; not restored from it`);
    await setAside(options, path, report);
  }
  report(`${file}: no usable save file; nothing restored`);
  return { values: new Map(), source: undefined, messages };
}

async function setAside(
  options: RestoreOptions,
  path: string,
  report: (message: string) => void,
): Promise<void> {
  const aside = `${path}_RBAD_${options.bootBackup === "dated" ? dateStamp(options.now) : ""}`;
  try {
    await options.fs.rename(path, aside);
    report(`${path}: kept as ${aside}`);
  } catch (e) {
    report(`${path}: cannot keep it as ${aside}: ${why(e)}`);
  }
}

async function keepBootBackup(
  options: RestoreOptions,
  text: string,
  report: (message: string) => void,
): Promise<void> {
  if (options.bootBackup === "none") return;
  const { file } = options;
  const path = options.bootBackup === "dated" ? `${file}_${dateStamp(options.now)}` : `${file}.bu`;
  try {
    await writeFileAtomically(options.fs, path, text);
  } catch (e) {
    report(`${path}: cannot write the boot backup: ${why(e)}`);
  }
}
