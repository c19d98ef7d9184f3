// Device support for records served from devices: a record with DTYP "hil Device" and
// INP/OUT "@address" reads and writes through the channel the IOC was given for that address,
// as an asyn record does through its port driver.
import type { FieldValue } from "./field-types.js";

/** What a channel holds now: a value with the device's alarm severity, or why it has none. */
export type ChannelState =
  | { readonly value: FieldValue; readonly severity: number }
  | { readonly error: string }
  | undefined;

export interface DeviceChannel {
  /**
   * The device's value now: fresh when the device can give it at once, else the latest that
   * came; undefined before any. With `fresher`, a device that cannot answer at once is asked,
   * and `fresher` is called once the answer has come, so the record processes again with it.
   */
  read(fresher?: () => void): ChannelState;
  /** Calls `news` whenever the device has a new value; returns the unsubscribe. */
  watch(news: () => void): () => void;
  /**
   * Sends an output record's value to the device; settles when the device has done it (its
   * Status). A resolved value is what the record's VAL becomes then (a busy flag dropping to 0).
   * Absent for a channel that only reads.
   */
  write?(value: FieldValue): Promise<FieldValue | undefined>;
}

/** The channels an IOC serves, by the address after "@". */
export type DeviceChannels = (address: string) => DeviceChannel | undefined;

/** The DTYP of records whose hardware address names a device channel. */
export const DEVICE_DTYP = "hil Device";
