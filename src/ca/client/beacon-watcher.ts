/**
 * Beacon anomalies, as libca sees them: a server's beacon ID that jumps (it restarted, or
 * many beacons were lost), or a gap far shorter than its usual period (a restarted server
 * beacons fast at first, which is how a restart whose IDs fall back a little is seen). On an anomaly the client searches its
 * unresolved names again from the start of the back-off. The first beacon of a server only
 * starts its record: every server seems new to a client that has just started.
 */
interface Record {
  id: number;
  time: number;
  /** Running average of the gaps, once two beacons were seen. */
  period: number | undefined;
}

/** A gap under this fraction of the average period counts as shortened. */
const SHORTENED = 1 / 3;
/** IDs this far behind the last are late copies (a datagram that came two ways), not news. */
const LATE_WINDOW = 256;

export class BeaconWatcher {
  readonly #servers = new Map<string, Record>();

  /** Takes one beacon; returns why it is an anomaly, or undefined. */
  onBeacon(server: string, id: number, now: number): string | undefined {
    const record = this.#servers.get(server);
    if (!record) {
      this.#servers.set(server, { id, time: now, period: undefined });
      return undefined;
    }
    // libca's filters (bhe.cpp): the same beacon again or an older one arriving late (two
    // routes, the server listed twice), or a forward step of 2 or 3 (a duplicate route, an
    // overrun input queue), is neither an alarm nor a gap to average.
    const advance = (id - record.id) >>> 0;
    if (advance === 0 || advance > 0x1_0000_0000 - LATE_WINDOW || (advance > 1 && advance < 4)) {
      record.id = id;
      return undefined;
    }
    const gap = now - record.time;
    const expected = (record.id + 1) >>> 0;
    const previousPeriod = record.period;
    record.period = previousPeriod === undefined ? gap : (previousPeriod * 3 + gap) / 4;
    record.time = now;
    const previousId = record.id;
    record.id = id;
    if (id !== expected) return `${server} beacon ID ${id} after ${previousId}`;
    if (previousPeriod !== undefined && gap < previousPeriod * SHORTENED) {
      record.period = gap;
      return `${server} beacons every ${gap.toFixed(3)} s instead of ${previousPeriod.toFixed(3)} s`;
    }
    return undefined;
  }

  forget(server: string): void {
    this.#servers.delete(server);
  }
}
