// The sans-I/O cores of PyExpLabSys's data sockets: a request's text in, the reply's text
// out, spelled as PyExpLabSys.common.sockets spells them. Time comes from a clock; the UDP
// shells in udp.ts only move the bytes. The push socket's core is in push-socket-core.ts.
import type { Clock } from "../../core/index.js";
import { PyInt, type PyValue, pyDict, pyJson, pyStr, pyStrRepr } from "./python-values.js";

export const UNKNOWN_COMMAND = "UNKNOWN_COMMMAND";
export const OLD_DATA = "OLD_DATA";

/** How much of a request datagram the originals read. */
export const requestBufferBytes = 8192;

/** The socket kinds, as `type` in a status reply names them. */
export type SocketType = "date" | "data" | "push";

export const defaultPorts = { date: 9000, data: 9010, push: 8500, live: 8000 } as const;

/** A socket's settings that PyExpLabSys refuses with a ValueError, with its message. */
export class DataSocketError extends Error {}

const forbidden = ["#", ",", ";", ":", "&"];

/** The sockets of one process, as PyExpLabSys's module-wide DATA: `status` reports them all. */
export class SocketGroup {
  private readonly members: SocketCore[] = [];

  constructor(readonly systemStatus: () => ReadonlyMap<string, PyValue> = () => new Map()) {}

  add(core: SocketCore): void {
    if (this.members.some((m) => m !== core && m.port === core.port && core.port !== 0)) {
      throw new DataSocketError(`A UDP server already exists on port: ${core.port}`);
    }
    if (!this.members.includes(core)) this.members.push(core);
  }

  remove(core: SocketCore): void {
    const at = this.members.indexOf(core);
    if (at >= 0) this.members.splice(at, 1);
  }

  /** The `status` reply's JSON. */
  status(now: number): string {
    const servers = new Map<string, PyValue>();
    for (const member of this.members) servers.set(String(member.port), member.statusEntry(now));
    return pyJson(
      pyDict([
        ["system_status", this.systemStatus()],
        ["socket_server_status", servers],
      ]),
    );
  }
}

export interface SocketCoreOptions {
  readonly name: string;
  readonly clock: Pick<Clock, "now">;
  /** Reported in `status`; the shell sets the port it bound. Default: the kind's port. */
  readonly port?: number;
  /** Seconds without activity before `status` says INACTIVE; null: DISABLED. */
  readonly activityTimeout?: number | null;
  /** The sockets `status` reports; default a group of this one. */
  readonly group?: SocketGroup;
}

/** What every socket shares: its name, its activity and the `status` command. */
export abstract class SocketCore {
  readonly name: string;
  readonly clock: Pick<Clock, "now">;
  readonly group: SocketGroup;
  abstract readonly type: SocketType;
  port: number;
  protected readonly activityTimeout: number | null;
  private lastActivity: number;

  constructor(
    options: SocketCoreOptions,
    defaults: { port: number; activityTimeout: number | null },
  ) {
    this.name = options.name;
    this.clock = options.clock;
    this.port = options.port ?? defaults.port;
    this.activityTimeout =
      options.activityTimeout === undefined ? defaults.activityTimeout : options.activityTimeout;
    this.lastActivity = this.clock.now();
    this.group = options.group ?? new SocketGroup();
  }

  /** Marks the socket active now (pull sockets do it on every set_point). */
  poke(): void {
    this.lastActivity = this.clock.now();
  }

  statusEntry(now: number): Map<string, PyValue> {
    const since = now - this.lastActivity;
    const disabled = this.activityTimeout === null;
    const status = disabled ? "DISABLED" : since < this.activityTimeout! ? "OK" : "INACTIVE";
    return pyDict([
      ["name", this.name],
      ["type", this.type],
      ["status", status],
      ["since_last_activity", disabled ? null : since],
    ]);
  }

  /** The reply to one request's text. */
  abstract reply(request: string): string;

  /**
   * The reply to one datagram (its first 8192 bytes, as the original reads), or undefined
   * where the original sends none: a request or a reply that is not ASCII.
   */
  handle(received: Uint8Array): Uint8Array | undefined {
    // The original reads requests with an 8192-byte buffer: the rest is lost.
    const datagram = received.subarray(0, requestBufferBytes);
    if (datagram.some((byte) => byte > 0x7f)) return undefined;
    const reply = this.reply(Buffer.from(datagram).toString("latin1"));
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(reply)) return undefined;
    return Buffer.from(reply, "latin1");
  }
}

/** A pull socket's point: (x, y) and whatever else was set, of which replies use x and y. */
export type Point = readonly PyValue[];

export interface PullSocketOptions extends SocketCoreOptions {
  readonly codenames: readonly string[];
  /** Seconds after which a codename's data is OLD_DATA: one for all, one per codename, or never. */
  readonly timeouts?: number | null | readonly (number | null)[];
  /** "date": old by the point's x (a unix time); "data": by when it was set. */
  readonly type?: "date" | "data";
}

/** DateDataPullSocket (type "date", port 9000) and DataPullSocket (type "data", port 9010). */
export class PullSocketCore extends SocketCore {
  readonly type: "date" | "data";
  readonly codenames: readonly string[];
  private readonly timeouts: readonly (number | null)[];
  private readonly points = new Map<string, { point: Point; timestamp: number }>();

  constructor(options: PullSocketOptions) {
    const type = options.type ?? "date";
    super(options, { port: defaultPorts[type], activityTimeout: 900 });
    this.type = type;
    this.codenames = checkCodenames(options.codenames);
    const { timeouts = null } = options;
    if (Array.isArray(timeouts)) {
      if (timeouts.length !== this.codenames.length) {
        throw new DataSocketError(
          "If a list of timeouts is supplied, it must have as many items as there are in codenames",
        );
      }
      this.timeouts = timeouts;
    } else this.timeouts = this.codenames.map(() => timeouts as number | null);
    for (const codename of this.codenames) {
      this.points.set(codename, { point: [0.0, 0.0], timestamp: 0.0 });
    }
  }

  /** set_point: stores the point; `timestamp` (DataPullSocket's) defaults to now. */
  setPoint(codename: string, point: Point, timestamp?: number): void {
    if (!this.points.has(codename)) {
      throw new DataSocketError(`The codename: ${pyStrRepr(codename)} is not registered`);
    }
    this.points.set(codename, { point: [...point], timestamp: timestamp ?? this.clock.now() });
    this.poke();
  }

  /** set_point_now: the point (now, y). */
  setPointNow(codename: string, y: PyValue): void {
    this.setPoint(codename, [this.clock.now(), y]);
  }

  /** The point of a codename, or undefined when its data is old. */
  current(codename: string): Point | undefined {
    const stored = this.points.get(codename)!;
    const timeout = this.timeouts[this.codenames.indexOf(codename)];
    if (timeout === null || timeout === undefined) return stored.point;
    const x = stored.point[0];
    const since =
      this.type === "date"
        ? typeof x === "number"
          ? x
          : x instanceof PyInt
            ? Number(x.value)
            : NaN
        : stored.timestamp;
    return this.clock.now() - since > timeout ? undefined : stored.point;
  }

  reply(request: string): string {
    const parts = request.split("#");
    if (parts.length === 2) {
      const [codename, format] = parts as [string, string];
      if (!this.points.has(codename)) return UNKNOWN_COMMAND;
      const point = this.current(codename);
      if (format === "raw") return point ? rawPoint(point) : OLD_DATA;
      if (format === "json") return pyJson(point ? jsonPoint(point) : OLD_DATA);
      return UNKNOWN_COMMAND;
    }
    switch (request) {
      case "name":
        return this.name;
      case "codenames_raw":
        return this.codenames.join(",");
      case "codenames_json":
        return pyJson(this.codenames);
      case "raw":
        return this.codenames.map((c) => this.rawOf(c)).join(";");
      case "json":
        return pyJson(this.codenames.map((c) => this.jsonOf(c)));
      case "raw_wn":
        return this.codenames.map((c) => `${c}:${this.rawOf(c)}`).join(";");
      case "json_wn":
        return pyJson(new Map(this.codenames.map((c) => [c, this.jsonOf(c)])));
      case "status":
        return this.group.status(this.clock.now());
      default:
        return UNKNOWN_COMMAND;
    }
  }

  private rawOf(codename: string): string {
    const point = this.current(codename);
    return point ? rawPoint(point) : OLD_DATA;
  }

  private jsonOf(codename: string): PyValue {
    const point = this.current(codename);
    return point ? jsonPoint(point) : OLD_DATA;
  }
}

function rawPoint(point: Point): string {
  return `${pyStr(point[0] ?? null)},${pyStr(point[1] ?? null)}`;
}

function jsonPoint(point: Point): PyValue {
  return point;
}

function checkCodenames(codenames: readonly string[]): readonly string[] {
  for (const codename of codenames) {
    for (const char of forbidden) {
      if (codename.includes(char)) {
        throw new DataSocketError(`The character '${char}' is not allowed in the codenames`);
      }
    }
  }
  const seen = new Set<string>();
  for (const codename of codenames) {
    if (seen.has(codename)) {
      throw new DataSocketError(
        `Codenames must be unique; ${pyStrRepr(codename)} is present more than once`,
      );
    }
    seen.add(codename);
  }
  return [...codenames];
}

export interface LiveSocketCoreOptions {
  readonly name: string;
  readonly codenames: readonly string[];
  readonly clock: Pick<Clock, "now">;
  /** socket.gethostname() of the sender, put in every datagram. */
  readonly host: string;
  /** The internal DataPullSocket's port (default 8000). */
  readonly port?: number;
  readonly group?: SocketGroup;
}

/**
 * LiveSocket's sender: each call gives the one datagram it sends to the live server, and
 * sets the same values on its internal DataPullSocket (`pull`).
 */
export class LiveSocketCore {
  readonly pull: PullSocketCore;
  private readonly host: string;
  private readonly clock: Pick<Clock, "now">;

  constructor(options: LiveSocketCoreOptions) {
    this.host = options.host;
    this.clock = options.clock;
    this.pull = new PullSocketCore({
      name: options.name,
      codenames: options.codenames,
      clock: options.clock,
      type: "data",
      port: options.port ?? defaultPorts.live,
      ...(options.group ? { group: options.group } : {}),
    });
  }

  setPointNow(codename: string, y: PyValue): Uint8Array {
    return this.setPoint(codename, [this.clock.now(), y]);
  }

  setPoint(codename: string, point: Point): Uint8Array {
    return this.setBatch(new Map([[codename, point]]));
  }

  setBatch(points: ReadonlyMap<string, Point>): Uint8Array {
    this.check(points.keys());
    for (const [codename, point] of points) this.pull.setPoint(codename, point);
    return this.datagram(new Map([...points].map(([c, p]) => [c, p])));
  }

  /** Tells the live server to clear the codenames' graphs. */
  reset(codenames: readonly string[]): Uint8Array {
    this.check(codenames);
    // The internal pull socket stores tuple('RESET'), as the original does.
    for (const codename of codenames) this.pull.setPoint(codename, [..."RESET"]);
    return this.datagram(new Map(codenames.map((c) => [c, "RESET"])));
  }

  private check(codenames: Iterable<string>): void {
    for (const codename of codenames) {
      if (!this.pull.codenames.includes(codename)) {
        throw new DataSocketError(`The codename: ${pyStrRepr(codename)} is not registered`);
      }
    }
  }

  private datagram(data: Map<string, PyValue>): Uint8Array {
    return Buffer.from(
      pyJson(
        pyDict([
          ["host", this.host],
          ["data", data],
        ]),
      ),
      "utf8",
    );
  }
}
