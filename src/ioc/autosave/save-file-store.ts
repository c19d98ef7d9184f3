// Save files on the disk: read whole and checked, written to a temporary file and renamed
// over the old one, and restored from the .savB backup when the .sav file is damaged.
import { type AutosaveFs, nodeAutosaveFs } from "./autosave-fs.js";
import { parseSaveFile } from "./save-file-parser.js";
import type { SavedValue } from "./save-file-format.js";

export type ReadSaveFileResult =
  | {
      readonly ok: true;
      readonly values: Map<string, SavedValue>;
      readonly warnings: string[];
    }
  | {
      readonly ok: false;
      /** Why nothing of the file may be applied, naming `file:line` where there is one. */
      readonly problem: string;
      /** True when there is no file at all, which is no damage (a first start). */
      readonly missing: boolean;
    };

/** autosave's backup of `auto.sav` is `auto.savB`: the same values, written after it. */
export const backupPathOf = (file: string): string => `${file}B`;

/** Reads and checks a save file; a damaged or unreadable one gives a problem, no values. */
export async function readSaveFile(
  path: string,
  fs: AutosaveFs = nodeAutosaveFs,
): Promise<ReadSaveFileResult> {
  return (await loadSaveFile(path, fs)).result;
}

/** readSaveFile, with the text read, for copies of the file. */
export async function loadSaveFile(
  path: string,
  fs: AutosaveFs,
): Promise<{ result: ReadSaveFileResult; text?: string }> {
  let text: string | undefined;
  try {
    text = await fs.readFile(path);
  } catch (e) {
    return { result: { ok: false, missing: false, problem: `${path}: cannot read: ${why(e)}` } };
  }
  if (text === undefined) {
    return { result: { ok: false, missing: true, problem: `${path}: no such file` } };
  }
  const parsed = parseSaveFile(text, path);
  return { result: parsed.ok ? parsed : { ...parsed, missing: false }, text };
}

/**
 * Writes `path.tmp`, then renames it over `path`: a crash or a failure on the way leaves
 * the old file whole. The temporary file of a failed attempt is removed.
 */
export async function writeFileAtomically(
  fs: AutosaveFs,
  path: string,
  text: string,
): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    await fs.writeFile(temporary, text);
    await fs.rename(temporary, path);
  } catch (e) {
    await fs.remove(temporary).catch(() => undefined);
    throw e;
  }
}

export function why(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
