/**
 * A circuit's channels by SID, with their subscriptions and put-callback lines, and the SIDs
 * the server dropped: a client's late request on one of those is ignored, not an error.
 * A SID is not given out again while either set holds it.
 */
import { AccessRights, type WriteNotifyRequest } from "../codec/index.js";
import type { CaClientIdentity, CaPv, CaPvState } from "./provider.js";
import type { PutNotifyLine } from "./put-notify-line.js";
import type { MonitorSlot } from "./send-queue.js";

export interface Subscription extends MonitorSlot<CaPvState> {
  readonly id: number;
  readonly mask: number;
  /** False once cancelled: a provider may still call a listener it is removing. */
  active: boolean;
  unsubscribe(): void;
}

export interface Channel {
  readonly sid: number;
  readonly cid: number;
  readonly name: string;
  readonly pv: CaPv;
  rights: number;
  readonly subscriptions: Map<number, Subscription>;
  /** Its put-callbacks, one at a time; made at the first. */
  puts?: PutNotifyLine<WriteNotifyRequest>;
}

/** Server-dropped SIDs remembered; the oldest is forgotten beyond this. */
const MAX_TOMBSTONES = 4096;

export class ChannelTable {
  readonly #channels = new Map<number, Channel>();
  readonly #tombstones = new Set<number>();
  #nextSid = 1;

  get size(): number {
    return this.#channels.size;
  }

  get(sid: number): Channel | undefined {
    return this.#channels.get(sid);
  }

  /** The SID was the server's to drop: requests still on their way are ignored. */
  isGone(sid: number): boolean {
    return this.#tombstones.has(sid);
  }

  values(): IterableIterator<Channel> {
    return this.#channels.values();
  }

  /** The channels as an array, for loops that remove some. */
  list(): Channel[] {
    return [...this.#channels.values()];
  }

  subscriptionCount(): number {
    let count = 0;
    for (const channel of this.#channels.values()) count += channel.subscriptions.size;
    return count;
  }

  open(cid: number, name: string, pv: CaPv, rights: number): Channel {
    const channel: Channel = {
      sid: this.#allocateSid(),
      cid,
      name,
      pv,
      rights,
      subscriptions: new Map(),
    };
    this.#channels.set(channel.sid, channel);
    return channel;
  }

  /** Forgets the channel and remembers its SID as gone. */
  remove(channel: Channel): void {
    this.#channels.delete(channel.sid);
    if (this.#tombstones.size >= MAX_TOMBSTONES) {
      this.#tombstones.delete(this.#tombstones.values().next().value!);
    }
    this.#tombstones.add(channel.sid);
  }

  clear(): void {
    this.#channels.clear();
    this.#tombstones.clear();
  }

  #allocateSid(): number {
    while (this.#channels.has(this.#nextSid) || this.#tombstones.has(this.#nextSid)) {
      this.#nextSid = (this.#nextSid + 1) >>> 0;
    }
    const sid = this.#nextSid;
    this.#nextSid = (this.#nextSid + 1) >>> 0;
    return sid;
  }
}

/** The PV's rights for this client; a PV whose check throws gives none. */
export function rightsOf(pv: CaPv, identity: CaClientIdentity): number {
  try {
    if (pv.accessRights) return pv.accessRights({ ...identity }) & AccessRights.READ_WRITE;
  } catch {
    return AccessRights.NONE;
  }
  return pv.write ? AccessRights.READ_WRITE : AccessRights.READ;
}
