/**
 * WRITE and WRITE_NOTIFY, and the ordering put-callbacks impose: a channel's put-callbacks
 * run one at a time (PutNotifyLine), and its other requests wait behind them so nothing the
 * client sent later overtakes them. Too many waiting requests over the whole circuit stop
 * its reading until some have gone through (RSRV stops at the first).
 */
import {
  AccessRights,
  ECA,
  type CaMessage,
  type WriteNotifyRequest,
  type WriteRequest,
} from "../codec/index.js";
import type { Channel } from "./channel-table.js";
import { describe, ecaOf, writeHeader } from "./circuit-errors.js";
import type { CircuitScope } from "./circuit-scope.js";
import { nativeWriteValue } from "./dbr-reply.js";
import { PutNotifyLine, type PutOutcome } from "./put-notify-line.js";

/** Requests waiting behind put-callbacks, over all channels, before reading stops. */
const MAX_HELD_REQUESTS = 64;

const DONE: PutOutcome = { eca: ECA.NORMAL, message: "" };

export class Writes {
  readonly #scope: CircuitScope;
  /** Goes on with the circuit's unread requests, later (never from inside a handler). */
  readonly #resume: () => void;
  #held = 0;
  /** Reading stopped because too many requests wait behind put-callbacks. */
  #stopped = false;

  constructor(scope: CircuitScope, resume: () => void) {
    this.#scope = scope;
    this.#resume = resume;
  }

  /**
   * Holds `task` (the handling of `message`) behind the put-callbacks waiting on its channel;
   * false when none wait and it may run now.
   */
  holdBehindPuts(message: CaMessage, task: () => void): boolean {
    let line: PutNotifyLine<WriteNotifyRequest> | undefined;
    switch (message.type) {
      case "ReadNotifyRequest":
      case "WriteRequest":
      case "EventAddRequest":
      case "EventCancelRequest":
      case "ClearChannelRequest":
        line = this.#scope.channels.get(message.sid)?.puts;
        break;
      default:
        return false;
    }
    if (!line?.defer(task)) return false;
    this.#held++;
    return true;
  }

  /**
   * Whether reading must stop before `next`: too many requests wait behind put-callbacks,
   * or the client renames itself, which may change its rights, while requests it sent
   * before still wait to be checked against them. Reading goes on once one has gone through.
   */
  mustWait(next: CaMessage): boolean {
    const renames = next.type === "HostNameRequest" || next.type === "ClientNameRequest";
    const wait = this.#held >= MAX_HELD_REQUESTS || (renames && this.#held > 0);
    if (wait) this.#stopped = true;
    return wait;
  }

  handle(request: WriteRequest | WriteNotifyRequest): void {
    const channel = this.#scope.channel(request.sid, () => writeHeader(request));
    if (!channel) return;
    if (request.type === "WriteRequest") {
      const outcome = this.#apply(channel, request);
      if (outcome instanceof Promise) {
        void outcome.then((done) => this.#writeFailed(channel, request, done));
      } else {
        this.#writeFailed(channel, request, outcome);
      }
      return;
    }
    if (!this.#mayWrite(channel)) {
      // Refused at once, but not before the requests the client sent ahead of it.
      const refuse = (): void => this.#answerPut(channel, request, this.#refuse(channel));
      if (channel.puts?.defer(refuse)) this.#held++;
      else refuse();
      return;
    }
    channel.puts ??= new PutNotifyLine({
      clock: this.#scope.settings.clock,
      stallTimeout: this.#scope.settings.putStallTimeout,
      // Its rights were checked as it arrived, as RSRV checks them before a put waits.
      run: (put) => this.#apply(channel, put, true),
      answer: (put, outcome) => this.#answerPut(channel, put, outcome),
      leftQueue: () => this.#leftQueue(),
    });
    if (channel.puts.submit(request)) this.#held++;
  }

  /** A write refused for want of rights: the PV hears of it (to log it), the client gets NOWTACCESS. */
  #refuse(channel: Channel): PutOutcome {
    channel.pv.writeRefused?.({ ...this.#scope.identity });
    return noWriteAccess(channel);
  }

  #mayWrite(channel: Channel): boolean {
    return (channel.rights & AccessRights.WRITE) !== 0 && channel.pv.write !== undefined;
  }

  /** Writes the request's value to the PV; the outcome comes when the write has completed. */
  #apply(
    channel: Channel,
    request: WriteRequest | WriteNotifyRequest,
    rightsChecked = false,
  ): PutOutcome | Promise<PutOutcome> {
    const { pv } = channel;
    const allowed = rightsChecked || (channel.rights & AccessRights.WRITE) !== 0;
    if (!pv.write || !allowed) return this.#refuse(channel);
    let completion: Promise<void> | void;
    try {
      const state = pv.read();
      const value = nativeWriteValue(pv, state, request.dataType, request.data, request.dataStatus);
      const callback = request.type === "WriteNotifyRequest";
      completion = pv.write(value, { ...this.#scope.identity }, { callback });
    } catch (error) {
      return { eca: ecaOf(error), message: describe(error) };
    }
    if (completion === undefined) return DONE;
    return Promise.resolve(completion).then(
      () => DONE,
      (error: unknown) => ({ eca: ecaOf(error), message: describe(error) }),
    );
  }

  /** A plain WRITE has no answer unless it failed: then an ERROR. */
  #writeFailed(channel: Channel, request: WriteRequest, outcome: PutOutcome): void {
    if (outcome.eca === ECA.NORMAL || !this.#isOpen(channel)) return;
    this.#scope.send({
      type: "ErrorResponse",
      cid: channel.cid,
      ecaStatus: outcome.eca,
      offendingHeader: writeHeader(request),
      message: outcome.message,
    });
  }

  #answerPut(channel: Channel, request: WriteNotifyRequest, outcome: PutOutcome): void {
    if (!this.#isOpen(channel)) return;
    this.#scope.send({
      type: "WriteNotifyResponse",
      dataType: request.dataType,
      dataCount: request.dataCount,
      ecaStatus: outcome.eca,
      ioid: request.ioid,
    });
  }

  #isOpen(channel: Channel): boolean {
    return !this.#scope.closed && this.#scope.channels.get(channel.sid) === channel;
  }

  #leftQueue(): void {
    this.#held--;
    if (!this.#stopped || this.#scope.closed) return;
    this.#stopped = false;
    this.#resume();
  }
}

function noWriteAccess(channel: Channel): PutOutcome {
  return { eca: ECA.NOWTACCESS, message: `no write access to ${channel.name}` };
}
