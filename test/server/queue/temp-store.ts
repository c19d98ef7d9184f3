import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueStore } from "../../../src/server/queue/index.js";
import type { QueueStoreOptions } from "../../../src/server/queue/index.js";

/** A fresh database file in its own folder; `cleanup` closes every store and deletes it. */
export function tempStore(options: QueueStoreOptions = {}): {
  path: string;
  open: () => QueueStore;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "hil-queue-"));
  const path = join(dir, "queue.sqlite");
  const opened: QueueStore[] = [];
  return {
    path,
    open: () => {
      const store = new QueueStore(path, options);
      opened.push(store);
      return store;
    },
    cleanup: () => {
      for (const store of opened) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
