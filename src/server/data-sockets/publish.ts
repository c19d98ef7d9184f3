// A config's `sockets:` section served: each socket's signals read from the devices every
// period on the beamline's clock and set on its pull socket (or sent by its live socket).
import { hostname, loadavg, uptime } from "node:os";
import type { Beamline, DataSocketConfig } from "../../config/index.js";
import { type Device, HilError, type Timer } from "../../core/index.js";
import { type PyValue, pyDict, pyInt } from "./python-values.js";
import { PushSocketCore } from "./push-socket-core.js";
import { LiveSocketCore, type Point, PullSocketCore, SocketGroup } from "./socket-core.js";
import { UdpDataSocket, UdpLiveSender } from "./udp.js";

/** What this host reports under `system_status` (a few of the original's keys, sorted). */
export function systemStatus(): ReadonlyMap<string, PyValue> {
  const [m1, m5, m15] = loadavg() as [number, number, number];
  return pyDict([
    [
      "load_average",
      pyDict([
        ["1m", m1],
        ["5m", m5],
        ["15m", m15],
      ]),
    ],
    ["machine_name", hostname()],
    [
      "uptime",
      pyDict([
        ["uptime_sec", uptime()],
        ["idle_sec", null],
      ]),
    ],
  ]);
}

/** A reading's value as Python holds it: integer dtypes as ints. */
export function pyValueOf(value: unknown, integer = false): PyValue {
  if (typeof value === "number")
    return integer && Number.isSafeInteger(value) ? pyInt(value) : value;
  if (typeof value === "bigint") return pyInt(value);
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => pyValueOf(item, integer));
  if (ArrayBuffer.isView(value))
    return pyValueOf(Array.from(value as unknown as ArrayLike<number>), integer);
  return null;
}

/** A signal the config names that its device does not read. */
export class UnknownSignalError extends HilError {
  constructor(socket: string, signal: string, device: string, names: readonly string[]) {
    super(
      "HIL_SOCKETS",
      `socket "${socket}": device ${device} has no signal "${signal}" (its signals: ${names.join(", ")})`,
    );
  }
}

export interface ServeSocketsOptions {
  /** Told of reads that failed, replies refused and live datagrams not sent. */
  readonly onError?: (error: Error) => void;
  /** Told of every dict a push socket receives. */
  readonly onPush?: (socket: DataSocketConfig, data: ReadonlyMap<string, PyValue>) => void;
  /** What `status` reports under system_status (default systemStatus()). */
  readonly systemStatus?: () => ReadonlyMap<string, PyValue>;
  /** Sent in every live datagram (default this host's name). */
  readonly hostname?: string;
}

/** One served socket of the section: its config, its core and where it is bound. */
export interface ServedSocket {
  readonly config: DataSocketConfig;
  readonly core: PullSocketCore | PushSocketCore;
  readonly host: string;
  readonly port: number;
}

/** Where each signal is found: the device and whether it is a configuration reading. */
interface Source {
  readonly device: Device;
  readonly configuration: boolean;
  readonly integer: boolean;
}

/** The data sockets of a config, served and fed from its devices until closed. */
export class DataSockets {
  /** Each polled socket's timer for its next read: one per socket, replaced at each tick. */
  private readonly timers = new Map<DataSocketConfig, Timer>();
  private closed = false;

  private constructor(
    readonly sockets: readonly ServedSocket[],
    private readonly servers: readonly UdpDataSocket[],
    private readonly senders: readonly UdpLiveSender[],
  ) {}

  /** Binds every socket of `configs` and starts reading their signals from `beamline`. */
  static async serve(
    beamline: Beamline,
    configs: readonly DataSocketConfig[],
    options: ServeSocketsOptions = {},
  ): Promise<DataSockets> {
    const report = options.onError ?? (() => {});
    const group = new SocketGroup(options.systemStatus ?? systemStatus);
    const clock = beamline.clock;
    const sources = new Map<string, Source>();
    for (const config of configs) {
      for (const { signal } of config.signals) {
        if (!sources.has(signal)) sources.set(signal, await sourceOf(beamline, config.key, signal));
      }
    }
    const served: ServedSocket[] = [];
    const servers: UdpDataSocket[] = [];
    const senders: UdpLiveSender[] = [];
    const feeds: { config: DataSocketConfig; feed: (points: Map<string, Point>) => void }[] = [];
    try {
      for (const config of configs) {
        const codenames = config.signals.map((s) => s.codename);
        const timeouts = config.signals.map((s) => s.timeout);
        const common = { name: config.name, clock, group, port: config.port };
        let core: PullSocketCore | PushSocketCore;
        if (config.type === "push") {
          core = new PushSocketCore({
            ...common,
            onData: (data) => options.onPush?.(config, data),
          });
        } else if (config.type === "live") {
          const live = new LiveSocketCore({
            ...common,
            codenames,
            host: options.hostname ?? hostname(),
          });
          core = live.pull;
          const sender = await UdpLiveSender.open(live, config.liveServer!);
          senders.push(sender);
          feeds.push({
            config,
            feed: (points) => sender.send(live.setBatch(points)).catch(report),
          });
        } else {
          const pull = new PullSocketCore({ ...common, type: config.type, codenames, timeouts });
          core = pull;
          feeds.push({
            config,
            feed: (points) => {
              for (const [codename, point] of points) pull.setPoint(codename, point);
            },
          });
        }
        const server = await UdpDataSocket.serve(core, {
          host: config.host,
          port: config.port,
          onError: report,
        });
        servers.push(server);
        served.push({ config, core, host: server.host, port: server.port });
      }
    } catch (error) {
      for (const server of servers) await server.close();
      for (const sender of senders) await sender.close();
      throw error;
    }
    const sockets = new DataSockets(served, servers, senders);
    // Served with data: the first reading of every socket is in before this resolves.
    await Promise.all(
      feeds.map(({ config, feed }) => sockets.poll(beamline, config, sources, feed, report)),
    );
    return sockets;
  }

  /** Reads the socket's signals now, then every period; resolves once the first are read. */
  private poll(
    beamline: Beamline,
    config: DataSocketConfig,
    sources: ReadonlyMap<string, Source>,
    feed: (points: Map<string, Point>) => void,
    report: (error: Error) => void,
  ): Promise<void> {
    const clock = beamline.clock;
    const tick = async (): Promise<void> => {
      const readings = new Map<Device, Record<string, { value: unknown }>>();
      const configurations = new Map<Device, Record<string, { value: unknown }>>();
      const points = new Map<string, Point>();
      for (const { codename, signal } of config.signals) {
        const source = sources.get(signal)!;
        const cache = source.configuration ? configurations : readings;
        try {
          let read = cache.get(source.device);
          if (!read) {
            read = await (source.configuration
              ? source.device.readConfiguration()
              : source.device.read());
            cache.set(source.device, read);
          }
          const reading = read[signal];
          if (reading)
            points.set(codename, [clock.now(), pyValueOf(reading.value, source.integer)]);
        } catch (error) {
          report(error instanceof Error ? error : new Error(String(error)));
        }
      }
      if (this.closed) return;
      if (points.size > 0) feed(points);
      const next = clock.schedule(config.period, () => void tick());
      this.timers.set(config, next);
    };
    return tick();
  }

  /** The timers held for the sockets' next reads: at most one per socket read from devices. */
  get pendingReads(): number {
    return this.timers.size;
  }

  /** Stops reading and closes every socket. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    for (const server of this.servers) await server.close();
    for (const sender of this.senders) await sender.close();
  }
}

async function sourceOf(beamline: Beamline, socket: string, signal: string): Promise<Source> {
  const names = [...beamline.devices.keys()]
    .filter((name) => signal === name || signal.startsWith(`${name}_`))
    .sort((a, b) => b.length - a.length);
  const known: string[] = [];
  for (const name of names) {
    const device = beamline.devices.get(name)!;
    const described = await device.describe();
    if (signal in described) {
      return { device, configuration: false, integer: described[signal]!.dtype === "integer" };
    }
    const configuration = await device.describeConfiguration();
    if (signal in configuration) {
      return { device, configuration: true, integer: configuration[signal]!.dtype === "integer" };
    }
    known.push(...Object.keys(described), ...Object.keys(configuration));
  }
  throw new UnknownSignalError(socket, signal, names[0] ?? "none", known);
}
