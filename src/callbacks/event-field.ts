import type { Event } from "../core/index.js";

/**
 * A field's number in an event. "time" and "seq_num" are the event's own when no device
 * reads a field of that name, as bluesky's callbacks take them (a `count` is plotted and
 * fitted against time).
 */
export function numberInEvent(event: Event, field: string): number | undefined {
  const value =
    event.data[field] ??
    (field === "time" ? event.time : field === "seq_num" ? event.seq_num : undefined);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
