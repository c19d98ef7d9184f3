/**
 * libca's flow-control rule for one circuit: reads that keep filling the socket buffer with
 * many messages mean the server sends faster than we process, so ask it to hold monitor
 * updates (EVENTS_OFF; it keeps the latest of each) until a read drains the socket
 * (EVENTS_ON). One large array spanning reads is not a flood.
 */
export class FlowControl {
  #busyReads = 0;
  #off = false;

  constructor(
    /** What one socket read returns at most: a read this big means more is waiting. */
    private readonly readSize = 64 * 1024,
    /** Consecutive busy reads before EVENTS_OFF. */
    private readonly busyReads = 10,
  ) {}

  get eventsOff(): boolean {
    return this.#off;
  }

  /** Takes one read; says which request to send, if any. */
  onRead(bytes: number, messages: number): "EventsOffRequest" | "EventsOnRequest" | undefined {
    if (bytes >= this.readSize) {
      if (messages > 1 && ++this.#busyReads >= this.busyReads && !this.#off) {
        this.#off = true;
        return "EventsOffRequest";
      }
      return undefined;
    }
    this.#busyReads = 0;
    if (!this.#off) return undefined;
    this.#off = false;
    return "EventsOnRequest";
  }
}
