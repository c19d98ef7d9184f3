// The talk with one 336: every request is its commands joined with `;*ESR?`, so it always gets
// a reply and a refusal shows in it; requests never interleave; a failure becomes a
// LakeShore336Error naming the device, the port and the request.
import { ReplyTimeoutError } from "../../src/transports/index.js";
import type { LakeShore336Channel } from "./lakeshore-336-channel.js";
import type { LakeShore336Identity } from "./protocol.js";
import {
  LakeShore336Error,
  checkedReplyProblem,
  checkedRequest,
  commands,
  isModel336,
  parseCheckedReply,
  parseIdentity,
} from "./protocol.js";

export class LakeShore336Exchanges {
  /** The channel's name, e.g. "tcp:192.168.1.36:7777". */
  readonly port: string;
  private readonly channel: LakeShore336Channel;
  private readonly device: () => string;
  /** The tail of the queue of exchanges (see exclusive()). */
  private queue: Promise<unknown> = Promise.resolve();
  private identity: LakeShore336Identity | undefined;

  constructor(channel: LakeShore336Channel, device: () => string) {
    this.port = channel.name;
    this.channel = channel;
    this.device = device;
  }

  /** What *IDN? said at connect. */
  get info(): LakeShore336Identity | undefined {
    return this.identity;
  }

  open(): Promise<void> {
    return this.channel.open();
  }

  /** Closes the channel, which the other loops of the same instrument may share. */
  close(): Promise<void> {
    return this.channel.close();
  }

  /** `*CLS;*IDN?;*ESR?`: clears what earlier sessions left, and checks the model. */
  async identify(): Promise<LakeShore336Identity> {
    const parts = [commands.clear(), commands.identify()];
    const [reply] = await this.request(parts);
    const identity = this.parse(() => parseIdentity(reply!, checkedRequest(parts)));
    if (!isModel336(identity)) {
      throw this.error(
        checkedRequest(parts),
        `gave ${JSON.stringify(reply)}: not a Lake Shore 336`,
      );
    }
    this.identity = identity;
    return identity;
  }

  /** Sends `parts` and `*ESR?` as one line; resolves with the queries' replies, in order. */
  request(parts: readonly string[]): Promise<string[]> {
    return this.exclusive(() => this.requestNow(parts));
  }

  /** One query: its reply, parsed by `parse` (whose errors get the device and port). */
  async ask<T>(query: string, parse: (reply: string, command: string) => T): Promise<T> {
    const [reply] = await this.request([query]);
    return this.parse(() => parse(reply!, checkedRequest([query])));
  }

  /**
   * Runs `work` with no other request in between: a read-modify-write of one of the
   * multi-field settings (RAMP, PID) must not be split by another write of it.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** request() for code already inside exclusive(). */
  async requestNow(parts: readonly string[]): Promise<string[]> {
    const command = checkedRequest(parts);
    let reply: string;
    try {
      reply = await this.channel.query(command, { validate: checkedReplyProblem });
    } catch (error) {
      if (!(error instanceof ReplyTimeoutError)) throw error;
      throw this.error(command, `got no reply (${error.message})`, error);
    }
    return [...this.parse(() => parseCheckedReply(parts, reply)).replies];
  }

  /** A LakeShore336Error about `command`, naming the port and the device. */
  error(command: string, problem: string, cause?: Error): LakeShore336Error {
    return new LakeShore336Error(
      { command, problem, port: this.port, device: this.device() },
      cause ? { cause } : undefined,
    );
  }

  /** Runs a parser; its LakeShore336Error gets the port and device it could not know. */
  parse<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof LakeShore336Error) {
        throw error.placed({ port: this.port, device: this.device() });
      }
      throw error;
    }
  }
}
