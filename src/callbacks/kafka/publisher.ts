import type { EventPage, NamedDocument } from "../../core/index.js";
import { DocumentRejectedError } from "../sinks/index.js";
import type { DocumentSequence, DocumentSink } from "../sinks/index.js";
import { encodeDocument, kafkaTopic, sequenceHeaders, sliceEventPage } from "./codec.js";
import { KafkaMessageTooLargeError } from "./transport.js";
import type { KafkaTransport } from "./transport.js";

export interface KafkaPublisherOptions {
  transport: KafkaTransport;
  /** The topic; or give `beamline` for `<beamline>.bluesky.runengine.documents`. */
  topic?: string;
  beamline?: string;
  /** This publisher's one key, keeping its documents in one partition, in order; null: none. */
  key: string | null;
  /** Flush the producer after each stop document (default true). */
  flushOnStop?: boolean;
}

/**
 * Publishes documents to Kafka as bluesky-kafka's Publisher does: each one message on one
 * topic, with this publisher's key, valued msgpack of `[name, doc]`. An event page the broker
 * finds too large is split in halves (first half `(n+1)/2` rows), recursively; any other
 * document too large, or a one-row page, is refused for good with DocumentRejectedError
 * (bluesky-kafka loses it silently). The document's run and sequence number travel in the
 * headers `hil_run_start` and `hil_seq`, which Python consumers never read; both halves of a
 * split page carry the page's number, and a page retried after a failure part-way does not
 * send the rows already taken again. A DocumentSink: wrap it in a LosslessDelivery so a
 * broker away for a while loses nothing.
 */
export class KafkaPublisher implements DocumentSink {
  readonly name: string;
  readonly topic: string;
  private readonly transport: KafkaTransport;
  private readonly key: string | null;
  private readonly flushOnStop: boolean;
  /** Rows of an event page (by its first event's uid) the broker has taken so far. */
  private readonly pageProgress = new Map<string, number>();

  constructor({ transport, topic, beamline, key, flushOnStop = true }: KafkaPublisherOptions) {
    const chosen = topic ?? (beamline === undefined ? undefined : kafkaTopic(beamline));
    if (chosen === undefined) throw new TypeError("KafkaPublisher needs a topic or a beamline");
    this.topic = chosen;
    this.name = `kafka ${chosen}`;
    this.transport = transport;
    this.key = key;
    this.flushOnStop = flushOnStop;
  }

  async send(document: NamedDocument, sequence?: DocumentSequence): Promise<void> {
    await this.produce(document, sequenceHeaders(sequence));
    if (this.flushOnStop && document[0] === "stop") await this.transport.flush();
  }

  /** Lets go of the transport; a send still in flight is abandoned (its delivery keeps it). */
  async close(): Promise<void> {
    await this.transport.close();
  }

  private async produce(document: NamedDocument, headers: Record<string, string>): Promise<void> {
    const [name, doc] = document;
    if (name !== "event_page") {
      await this.sendRecord(document, headers);
      return;
    }
    // Rows of this page taken before a failed attempt are not sent again when it is retried.
    const key = doc.uid[0] ?? "";
    try {
      await this.sendRows(doc, 0, doc.uid.length, key, headers);
    } finally {
      if ((this.pageProgress.get(key) ?? 0) >= doc.uid.length) this.pageProgress.delete(key);
    }
  }

  /** Sends rows [from, to) of a page, halving a part the broker finds too large. */
  private async sendRows(
    page: EventPage,
    from: number,
    to: number,
    key: string,
    headers: Record<string, string>,
  ): Promise<void> {
    if (to <= (this.pageProgress.get(key) ?? 0)) return;
    const part = from === 0 && to === page.uid.length ? page : sliceEventPage(page, from, to);
    try {
      await this.sendRecord(["event_page", part], headers);
    } catch (error) {
      if (!(error instanceof KafkaMessageTooLargeError)) throw error;
      if (to - from < 2) {
        this.pageProgress.delete(key);
        throw new DocumentRejectedError(
          `${this.name}: event_page row ${from} refused: ${error.message}`,
          { cause: error },
        );
      }
      const half = from + Math.ceil((to - from) / 2);
      await this.sendRows(page, from, half, key, headers);
      await this.sendRows(page, half, to, key, headers);
      return;
    }
    this.pageProgress.set(key, to);
  }

  private async sendRecord(
    document: NamedDocument,
    headers: Record<string, string>,
  ): Promise<void> {
    const value = encodeDocument(...document);
    try {
      await this.transport.send(this.topic, [{ key: this.key, value, headers }]);
    } catch (error) {
      if (!(error instanceof KafkaMessageTooLargeError) || document[0] === "event_page")
        throw error;
      throw new DocumentRejectedError(
        `${this.name}: ${document[0]} document refused: ${error.message}`,
        { cause: error },
      );
    }
  }
}
