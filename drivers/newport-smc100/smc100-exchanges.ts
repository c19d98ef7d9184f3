// The talk with one axis on the line: which commands go, in what order, and how a reply or a
// refusal becomes a value or an Smc100Error. The signals and the motor stand on it.
import type { Clock } from "../../src/core/index.js";
import type { Mnemonic, Smc100Status } from "./protocol.js";
import {
  NO_ERROR,
  Smc100Error,
  checkAddress,
  commands,
  echoProblem,
  parseErrorReply,
  parseNumberReply,
  parseStatusReply,
  parseTextReply,
} from "./protocol.js";
import type { Smc100Channel } from "./smc100-channel.js";

/** What ID? and VE said at connect. */
export interface Smc100Identity {
  readonly stage: string;
  readonly firmware: string;
}

/** The numbers the controller is asked for: its position (TP) and its settings. */
export type NumberMnemonic = "TP" | SettingMnemonic;

/** Settings queried as `<nn><mnemonic>?` and set, silently, as `<nn><mnemonic><value>`. */
export type SettingMnemonic = "PA" | "VA" | "AC" | "SL" | "SR";

export interface Smc100ExchangesOptions {
  channel: Smc100Channel;
  clock: Clock;
  /** 1..31, checked here. */
  address: number;
  /** Seconds to leave the controller after a set command before asking TE. */
  commandGap: number;
  /** The device's name at the time of an error (a root device may be renamed). */
  device: () => string;
}

export class Smc100Exchanges {
  readonly address: number;
  /** The channel's name, e.g. "serial:/dev/ttyUSB0". */
  readonly port: string;
  private readonly channel: Smc100Channel;
  private readonly clock: Clock;
  private readonly commandGap: number;
  private readonly device: () => string;
  /** The tail of the queue of exchanges, which never interleave (see exclusive()). */
  private queue: Promise<unknown> = Promise.resolve();
  private identity: Smc100Identity | undefined;

  constructor(options: Smc100ExchangesOptions) {
    this.address = checkAddress(options.address);
    this.port = options.channel.name;
    this.channel = options.channel;
    this.clock = options.clock;
    this.commandGap = options.commandGap;
    this.device = options.device;
  }

  /** The stage identifier and firmware version, once identify() has asked. */
  get info(): Smc100Identity | undefined {
    return this.identity;
  }

  open(): Promise<void> {
    return this.channel.open();
  }

  /** Closes the channel, which other axes on the same port may share. */
  close(): Promise<void> {
    return this.channel.close();
  }

  /** Sends a silent set command, then TE; a letter other than @ throws, naming it. */
  command(command: string): Promise<void> {
    return this.exclusive(async () => {
      await this.channel.write(command);
      if (this.commandGap > 0) await this.clock.sleep(this.commandGap);
      const reply = await this.ask(commands.TE(this.address), "TE");
      const { letter } = this.parse(() => parseErrorReply(reply, this.address));
      if (letter !== NO_ERROR) {
        const hint = letter === "H" ? " (home it first: homeOnConnect or home())" : "";
        throw this.error(command, `was refused${hint}`, letter);
      }
    });
  }

  askNumber(mnemonic: NumberMnemonic): Promise<number> {
    return this.exclusive(async () => {
      const command =
        mnemonic === "TP" ? commands.TP(this.address) : commands[mnemonic](this.address);
      const reply = await this.ask(command, mnemonic);
      return this.parse(() => parseNumberReply(reply, this.address, mnemonic));
    });
  }

  askStatus(): Promise<Smc100Status> {
    return this.exclusive(() => this.askStatusNow());
  }

  /** Asks ID?, VE and TS back to back, and keeps what ID? and VE said as `info`. */
  async identify(): Promise<Smc100Status> {
    const { address } = this;
    const text = async (command: string, mnemonic: "ID" | "VE"): Promise<string> => {
      const reply = await this.ask(command, mnemonic);
      return this.parse(() => parseTextReply(reply, address, mnemonic));
    };
    const [stage, firmware, status] = await this.exclusive(async () => [
      await text(commands.ID(address), "ID"),
      await text(commands.VE(address), "VE"),
      await this.askStatusNow(),
    ]);
    this.identity = { stage, firmware };
    return status;
  }

  /** An Smc100Error about `command` on this axis, naming the port and the device. */
  error(command: string, problem: string, letter?: string): Smc100Error {
    return new Smc100Error({
      address: this.address,
      command,
      problem,
      letter,
      port: this.port,
      device: this.device(),
    });
  }

  /**
   * Runs one exchange with nothing else in between: a set command and its TE must not be
   * split by another query, since every command overwrites the error TE reports.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async askStatusNow(): Promise<Smc100Status> {
    const reply = await this.ask(commands.TS(this.address), "TS");
    return this.parse(() => parseStatusReply(reply, this.address));
  }

  /** One query; replies that do not echo `<address><mnemonic>` are rejected (and retried). */
  private ask(command: string, mnemonic: Mnemonic): Promise<string> {
    const { address } = this;
    return this.channel.query(command, {
      validate: (reply) => echoProblem(reply, address, mnemonic),
    });
  }

  /** Runs a parser; its Smc100Error gets the port and device it could not know. */
  private parse<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof Smc100Error) {
        throw error.placed({ port: this.port, device: this.device() });
      }
      throw error;
    }
  }
}
