import type { NamedDocument } from "../../core/index.js";
import type { ManagerStatus, QueueManager } from "../manager/index.js";
import type { ConsoleLine } from "./console-buffer.js";
import { ConsoleBuffer } from "./console-buffer.js";
import { FanOut } from "./fan-out.js";
import { RunList } from "./run-list.js";

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
  readonly status = new FanOut<ManagerStatus>();
  readonly documents = new FanOut<DocumentPayload>();
  readonly console = new FanOut<ConsoleLine>();
  readonly consoleLines: ConsoleBuffer;
  readonly runs = new RunList();
  readonly #unsubscribe: () => void;

  constructor(
    readonly manager: QueueManager | undefined,
    options: { consoleLines?: number } = {},
  ) {
    this.consoleLines = new ConsoleBuffer(options.consoleLines ?? 1000);
    this.#unsubscribe =
      manager?.subscribe((event) => {
        if (event.kind === "status") {
          this.status.publish(event.status);
          return;
        }
        const news = event.event;
        if (news.kind === "document") {
          const [name, doc] = news.document;
          this.runs.document(event.item?.item_uid, news.document);
          this.documents.publish({ name, doc } as DocumentPayload);
        } else if (news.kind === "console") {
          const line = { time: Date.now() / 1000, msg: news.line };
          this.consoleLines.push(line);
          this.console.publish(line);
        }
      }) ?? (() => undefined);
  }

  close(): void {
    this.#unsubscribe();
    this.status.closeAll();
    this.documents.closeAll();
    this.console.closeAll();
  }
}
