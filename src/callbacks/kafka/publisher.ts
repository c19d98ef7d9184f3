import type { NamedDocument } from "../../core/index.js";
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
 * split page carry the page's number. A DocumentSink: wrap it in a LosslessDelivery so a
 * broker away for a while loses nothing.
 */
export class KafkaPublisher implements DocumentSink {
  readonly name: string;
  readonly topic: string;
  private readonly transport: KafkaTransport;
  private readonly key: string | null;
  private readonly flushOnStop: boolean;

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
    const value = encodeDocument(...document);
    try {
      await this.transport.send(this.topic, [{ key: this.key, value, headers }]);
    } catch (error) {
      if (!(error instanceof KafkaMessageTooLargeError)) throw error;
      const [name, doc] = document;
      if (name === "event_page" && doc.uid.length > 1) {
        const half = Math.ceil(doc.uid.length / 2);
        await this.produce(["event_page", sliceEventPage(doc, 0, half)], headers);
        await this.produce(["event_page", sliceEventPage(doc, half, doc.uid.length)], headers);
        return;
      }
      throw new DocumentRejectedError(`${this.name}: ${name} document refused: ${error.message}`, {
        cause: error,
      });
    }
  }
}
