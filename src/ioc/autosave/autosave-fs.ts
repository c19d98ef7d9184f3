// The file operations autosave needs, injected so tests can fail any one of them.
import { open, readFile, rename, unlink } from "node:fs/promises";

export interface AutosaveFs {
  /** The file's text, or undefined when there is no such file. */
  readFile(path: string): Promise<string | undefined>;
  /** Writes the whole file and returns once it is on the disk. */
  writeFile(path: string, text: string): Promise<void>;
  /** Replaces `to` by `from` in one step. */
  rename(from: string, to: string): Promise<void>;
  /** Removes the file; a missing file is no error. */
  remove(path: string): Promise<void>;
}

export const nodeAutosaveFs: AutosaveFs = {
  async readFile(path) {
    try {
      return await readFile(path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  },
  async writeFile(path, text) {
    const handle = await open(path, "w");
    try {
      await handle.writeFile(text, "utf8");
      // The rename that follows must not publish a file whose bytes are still in the cache.
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename,
  async remove(path) {
    try {
      await unlink(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  },
};
