import { readFileSync } from "node:fs";
import type { FileAccess } from "./file-access.js";

/** Reads files from the disk; a missing file is undefined, other errors are thrown. */
export const nodeFileAccess: FileAccess = {
  read(path: string): string | undefined {
    try {
      return readFileSync(path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  },
};
