import type { NamedDocument } from "../../core/index.js";
import type { ManagerStatus, QueueManager } from "../manager/index.js";
import type { QueueStore } from "../queue/index.js";
import type { ConsoleLine } from "./console-buffer.js";
import { ConsoleBuffer } from "./console-buffer.js";
import { FanOut } from "./fan-out.js";
import { RunList } from "./run-list.js";
import { queueStatus } from "../manager/manager-status.js";

/** A document of the running plan as the documents stream carries it. */
export interface DocumentPayload {
  readonly name: NamedDocument[0];
  readonly doc: NamedDocument[1];
}

/**
 * What the server keeps of the manager's news: the streams its websockets serve, the last
 * console lines and the current plan's runs. The manager's listener only records and queues.
 */
export class EngineFeeds {
  /** The manager's status, or without one the store's (see `queueStatus`). */
  readonly status = new FanOut<ManagerStatus>();
  readonly documents = new FanOut<DocumentPayload>();
  readonly console = new FanOut<ConsoleLine>();
  readonly consoleLines: ConsoleBuffer;
  readonly runs = new RunList();
  readonly #unsubscribe: () => void;

  constructor(
    readonly store: QueueStore,
    readonly manager: QueueManager | undefined,
    options: { consoleLines?: number } = {},
  ) {
    this.consoleLines = new ConsoleBuffer(options.consoleLines ?? 1000);
    this.#unsubscribe = manager ? this.#follow(manager) : this.#watch(store);
  }

  /** The status as of now (what a new status subscriber gets first), with `run_list_uid`. */
  currentStatus(): ManagerStatus {
    return this.manager ? this.#withRuns(this.manager.status()) : queueStatus(this.store);
  }

  close(): void {
    this.#unsubscribe();
    this.status.closeAll();
    this.documents.closeAll();
    this.console.closeAll();
  }

  // Without an engine the store's changes are the news: one status per turn that changed it.
  #watch(store: QueueStore): () => void {
    let queued = false;
    return store.watch(() => {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        this.status.publish(queueStatus(store));
      });
    });
  }

  #withRuns(status: ManagerStatus): ManagerStatus & { run_list_uid: string } {
    return { ...status, run_list_uid: this.runs.uid };
  }

  #follow(manager: QueueManager): () => void {
    return manager.subscribe((event) => {
      if (event.kind === "status") {
        this.status.publish(this.#withRuns(event.status));
        return;
      }
      const news = event.event;
      if (news.kind === "document") {
        const [name, doc] = news.document;
        this.documents.publish({ name, doc } as DocumentPayload);
        // A run opened or closed changes `run_list_uid`, which clients watch in the status.
        if (this.runs.document(event.item?.item_uid, news.document)) {
          this.status.publish(this.#withRuns(manager.status()));
        }
      } else if (news.kind === "console") {
        const line = { time: Date.now() / 1000, msg: news.line };
        this.consoleLines.push(line);
        this.console.publish(line);
      }
    });
  }
}
