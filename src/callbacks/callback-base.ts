import { unpackEventPage } from "../core/index.js";
import type {
  DocumentCallback,
  Event,
  EventDescriptor,
  EventPage,
  NamedDocument,
  RunStart,
  RunStop,
} from "../core/index.js";

type Result = void | Promise<void>;

/**
 * A stateful document callback, as bluesky's CallbackBase: override the methods of the
 * documents you care about. Subscribe with `callback`, which is bound to the instance.
 */
export class CallbackBase {
  readonly callback: DocumentCallback = (...document) => this.call(...document);

  /** Hands a document to the method of its name. */
  call(...[name, doc]: NamedDocument): Result {
    switch (name) {
      case "start":
        return this.start(doc);
      case "descriptor":
        return this.descriptor(doc);
      case "event":
        return this.event(doc);
      case "event_page":
        return this.event_page(doc);
      case "stop":
        return this.stop(doc);
    }
  }

  start(_doc: RunStart): Result {}

  descriptor(_doc: EventDescriptor): Result {}

  event(_doc: Event): Result {}

  /** Unpacks into event() calls, so subclasses handle rows one way whichever form arrives. */
  event_page(doc: EventPage): Result {
    const events = unpackEventPage(doc);
    for (const [i, event] of events.entries()) {
      const result = this.event(event);
      // Stays synchronous until an event() is not; from then on each waits for the one before.
      if (result) return this.eventsInTurn(result, events.slice(i + 1));
    }
  }

  stop(_doc: RunStop): Result {}

  private async eventsInTurn(pending: Promise<void>, events: Event[]): Promise<void> {
    await pending;
    for (const event of events) await this.event(event);
  }
}
