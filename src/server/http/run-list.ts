import { randomUUID } from "node:crypto";
import type { NamedDocument } from "../../core/index.js";

/** One run of the plan now running (or last run), as `re_runs` lists it. */
export interface RunInfo {
  uid: string;
  scan_id: number | null;
  is_open: boolean;
  exit_status: string | null;
}

/**
 * The runs opened by the current plan, followed from its documents: a start opens one, its
 * stop closes it. A new plan item starts a new list.
 */
export class RunList {
  #item: string | undefined;
  #runs: RunInfo[] = [];
  #uid = randomUUID();

  get uid(): string {
    return this.#uid;
  }

  /** A document made while the item with uid `itemUid` ran; true when the list changed. */
  document(itemUid: string | undefined, [name, doc]: NamedDocument): boolean {
    if (itemUid !== this.#item && name === "start") {
      this.#item = itemUid;
      this.#runs = [];
    }
    if (name === "start") {
      this.#runs.push({
        uid: doc.uid,
        scan_id: doc.scan_id ?? null,
        is_open: true,
        exit_status: null,
      });
      this.#uid = randomUUID();
      return true;
    }
    if (name === "stop") {
      const run = this.#runs.find((r) => r.uid === doc.run_start);
      if (run === undefined) return false;
      run.is_open = false;
      run.exit_status = doc.exit_status;
      this.#uid = randomUUID();
      return true;
    }
    return false;
  }

  list(option: "active" | "open" | "closed" = "active"): RunInfo[] {
    const runs = this.#runs.map((run) => ({ ...run }));
    if (option === "open") return runs.filter((run) => run.is_open);
    if (option === "closed") return runs.filter((run) => !run.is_open);
    return runs;
  }
}
