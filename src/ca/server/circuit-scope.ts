/**
 * What the request handlers of one circuit share: the server's settings, the client's
 * identity and protocol version, its channels and the outgoing queue. Nothing here touches
 * a socket.
 */
import type { Clock } from "../../core/index.js";
import {
  AccessRights,
  caCommandName,
  CA_MINOR_VERSION,
  ECA,
  encode,
  encodeMessages,
  type CaHeader,
  type CaMessageInput,
} from "../codec/index.js";
import { ChannelTable, rightsOf, type Channel } from "./channel-table.js";
import { describe } from "./circuit-errors.js";
import { dbrReply, type DbrReply } from "./dbr-reply.js";
import type { CaClientIdentity, CaPv, CaPvProvider, CaPvState } from "./provider.js";
import type { SendQueue } from "./send-queue.js";

/** What a circuit takes from its server. */
export interface CircuitSettings {
  provider: CaPvProvider;
  /** Timers (a stuck client, a stalled put-callback) run on it. */
  clock: Clock;
  log: (line: string) => void;
  /** Largest reply payload for a count above a PV's own size. */
  maxArrayBytes: number;
  /** Largest request payload accepted before the circuit is closed. */
  maxPayloadSize: number;
  /** Seconds a client may leave its socket full before it is dropped. */
  stuckTimeout: number;
  /** Seconds a put-callback may hold up the next one on its channel. */
  putStallTimeout: number;
  /** Bytes waiting for a full socket before the client's requests stop being read. */
  maxBacklogBytes: number;
  /** The TCP port, for searches over TCP. */
  tcpPort(): number;
}

const NO_READ_ACCESS: DbrReply = { ecaStatus: ECA.NORDACCESS, dataCount: 0, data: null };
const GET_FAILED: DbrReply = { ecaStatus: ECA.GETFAIL, dataCount: 0, data: null };

export class CircuitScope {
  readonly channels = new ChannelTable();
  clientMinorVersion = CA_MINOR_VERSION;
  closed = false;

  constructor(
    readonly settings: CircuitSettings,
    readonly identity: CaClientIdentity,
    readonly queue: SendQueue<CaPvState>,
  ) {}

  log(line: string): void {
    this.settings.log(line);
  }

  send(message: CaMessageInput): void {
    this.queue.reply(encode(message));
  }

  sendAll(messages: CaMessageInput[]): void {
    this.queue.reply(encodeMessages(messages));
  }

  /**
   * The channel of `sid`. A SID the server dropped is answered by nothing (the client has
   * been told); any other unknown SID by ERROR ECA_BADCHID, as RSRV does, keeping the
   * circuit: a client's late request on a channel it cleared is no reason to drop the rest.
   */
  channel(sid: number, offending: () => CaHeader): Channel | undefined {
    const channel = this.channels.get(sid);
    if (channel || this.channels.isGone(sid)) return channel;
    const header = offending();
    this.send({
      type: "ErrorResponse",
      cid: 0,
      ecaStatus: ECA.BADCHID,
      offendingHeader: header,
      message: `${caCommandName(header.command)} on SID ${sid}, which this circuit does not have`,
    });
    return undefined;
  }

  resolve(name: string): CaPv | undefined {
    try {
      return this.settings.provider.resolve(name);
    } catch (error) {
      this.log(`CA server: resolving "${name}" failed: ${describe(error)}`);
      return undefined;
    }
  }

  rightsOf(pv: CaPv): number {
    return rightsOf(pv, this.identity);
  }

  /** Asks every channel's PV for this client's rights again; sends those that changed. */
  recomputeRights(): void {
    for (const channel of this.channels.values()) {
      const rights = this.rightsOf(channel.pv);
      if (rights === channel.rights) continue;
      channel.rights = rights;
      this.send({ type: "AccessRightsResponse", cid: channel.cid, accessRights: rights });
    }
  }

  readPv(channel: Channel): CaPvState | undefined {
    try {
      return channel.pv.read();
    } catch (error) {
      this.log(`CA server: reading "${channel.name}" failed: ${describe(error)}`);
      return undefined;
    }
  }

  /** What a read or an update of `state` answers, for this client's rights and version. */
  replyFor(
    channel: Channel,
    state: CaPvState | undefined,
    dataType: number,
    count: number,
  ): DbrReply {
    if (!(channel.rights & AccessRights.READ)) return NO_READ_ACCESS;
    if (state === undefined) return GET_FAILED;
    return dbrReply(channel.pv, state, dataType, count, {
      maxArrayBytes: this.settings.maxArrayBytes,
      clientMinorVersion: this.clientMinorVersion,
    });
  }
}
