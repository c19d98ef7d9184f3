import type { DocumentCallback, EventPage, NamedDocument } from "../../core/index.js";
import { SequenceChecker } from "../sinks/index.js";
import type { DocumentSequence } from "../sinks/index.js";
import { ALL_BEAMLINES, decodeDocument, sequenceOf } from "./codec.js";
import type { KafkaMessage, KafkaSubscription, KafkaTransport } from "./transport.js";

/** The document names a bluesky dispatcher accepts (event_model's DocumentNames). */
export const BLUESKY_DOCUMENT_NAMES: ReadonlySet<string> = new Set([
  "start",
  "stop",
  "descriptor",
  "event",
  "event_page",
  "resource",
  "datum",
  "datum_page",
  "stream_resource",
  "stream_datum",
  "bulk_events",
  "bulk_datum",
]);

export interface KafkaDispatcherOptions {
  transport: KafkaTransport;
  /** Topics or patterns; default every beamline's `*.bluesky.runengine.documents`. */
  topics?: ReadonlyArray<string | RegExp>;
  groupId: string;
  /** A new group starts at the oldest message instead of the next one (default false). */
  fromBeginning?: boolean;
  /** Where undecodable messages and failing callbacks are reported (default console.error). */
  log?: (message: string) => void;
}

export interface KafkaDispatcherStats {
  /** Documents handed to the callbacks. */
  dispatched: number;
  /** Messages skipped: undecodable, or of a name bluesky does not know. */
  skipped: number;
  /** Documents already dispatched, received again (a producer's retry), not dispatched twice. */
  repeats: number;
  /** Places where documents are missing, by the sequence numbers, and how many. */
  gaps: number;
  missing: number;
}

/**
 * Consumes documents from Kafka as bluesky-kafka's RemoteDispatcher does (msgpack of
 * `[name, doc]`, any key) and hands each, in order, to the subscribed callbacks, awaiting
 * each. As in bluesky, a message that cannot be decoded or names an unknown document is
 * reported and skipped, and a failing callback is reported and the rest go on. Messages
 * with sequence headers (see KafkaPublisher) are checked per run: a repeat is not dispatched
 * again, and gaps are counted.
 */
export class KafkaDispatcher {
  private readonly options: KafkaDispatcherOptions;
  private readonly callbacks = new Map<number, { callback: DocumentCallback; name: string }>();
  private nextToken = 0;
  private subscription: KafkaSubscription | undefined;
  private readonly checker = new SequenceChecker();
  private readonly pages = new Map<string, { seq: number; row: number }>();
  private counts = { dispatched: 0, skipped: 0, repeats: 0 };
  private readonly log: (message: string) => void;

  constructor(options: KafkaDispatcherOptions) {
    this.options = options;
    this.log = options.log ?? ((message) => console.error(message));
  }

  /** `callback` gets every document, or only those named `name`; returns a token. */
  subscribe(callback: DocumentCallback, name = "all"): number {
    const token = this.nextToken++;
    this.callbacks.set(token, { callback, name });
    return token;
  }

  unsubscribe(token: number): void {
    this.callbacks.delete(token);
  }

  stats(): KafkaDispatcherStats {
    return { ...this.counts, gaps: this.checker.gaps, missing: this.checker.missing };
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    const { transport, topics = [ALL_BEAMLINES], groupId, fromBeginning } = this.options;
    this.subscription = await transport.consume({ topics, groupId, fromBeginning }, (message) =>
      this.handle(message),
    );
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  private async handle(message: KafkaMessage): Promise<void> {
    let name: string;
    let doc: unknown;
    try {
      [name, doc] = decodeDocument(message.value);
    } catch (error) {
      this.counts.skipped += 1;
      this.log(`${where(message)}: cannot decode a document: ${String(error)}`);
      return;
    }
    if (!BLUESKY_DOCUMENT_NAMES.has(name)) {
      this.counts.skipped += 1;
      this.log(`${where(message)}: unknown document name ${JSON.stringify(name)}, skipped`);
      return;
    }
    const sequence = sequenceOf(message.headers);
    if (sequence && this.isRepeat(sequence, name, doc)) {
      this.counts.repeats += 1;
      return;
    }
    this.counts.dispatched += 1;
    const document = [name, doc] as NamedDocument;
    for (const { callback, name: wanted } of [...this.callbacks.values()]) {
      if (wanted !== "all" && wanted !== name) continue;
      try {
        await callback(...document);
      } catch (error) {
        this.log(`${where(message)}: a callback failed on a ${name} document: ${String(error)}`);
      }
    }
  }

  /** A split event page's halves share a sequence number; their rows tell them apart. */
  private isRepeat(sequence: DocumentSequence, name: string, doc: unknown): boolean {
    const repeat = this.checker.check(sequence).kind === "repeat";
    if (name !== "event_page") return repeat;
    const rows = (doc as EventPage).seq_num;
    const last = this.pages.get(sequence.run);
    if (repeat && !(last?.seq === sequence.seq && rows[0]! > last.row)) return true;
    this.pages.set(sequence.run, { seq: sequence.seq, row: rows.at(-1)! });
    return false;
  }
}

function where(message: KafkaMessage): string {
  return `${message.topic}[${message.partition}]@${message.offset}`;
}
