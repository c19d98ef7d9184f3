import type { Reading, Subscribable } from "../core/index.js";
import { PlanProtocolError } from "./errors.js";
import type { RunBundler } from "./run-bundler.js";

type Log = (message: string, error?: unknown) => void;

interface Monitor {
  readonly stream: string;
  unsubscribe: (() => void) | undefined;
}

/**
 * The `monitor` messages of a run: each change of a watched signal becomes an event of its
 * own stream while the run goes on, as bluesky's RunBundler.monitor. The descriptor is sent
 * when the monitor starts; events come from the signal's callbacks, outside the message
 * loop, and the bundler keeps them in order with the loop's documents.
 */
export class Monitors {
  private readonly bundler: RunBundler;
  private readonly log: Log;
  private readonly watched = new Map<Subscribable, Monitor>();

  constructor(bundler: RunBundler, log: Log) {
    this.bundler = bundler;
    this.log = log;
  }

  get active(): boolean {
    return this.watched.size > 0;
  }

  async monitor(obj: Subscribable, stream: string): Promise<void> {
    if (this.watched.has(obj)) throw new PlanProtocolError(`${obj.name} is already monitored`);
    const monitor: Monitor = { stream, unsubscribe: undefined };
    this.watched.set(obj, monitor);
    await this.bundler.streamFor(stream, [obj], "read");
    this.start(obj, monitor);
  }

  unmonitor(obj: Subscribable): void {
    const monitor = this.watched.get(obj);
    if (!monitor) throw new PlanProtocolError(`${obj.name} is not monitored`);
    monitor.unsubscribe?.();
    this.watched.delete(obj);
  }

  /** Stops the events while the run is at rest; restore() starts them again. */
  suspend(): void {
    for (const monitor of this.watched.values()) {
      monitor.unsubscribe?.();
      monitor.unsubscribe = undefined;
    }
  }

  restore(): void {
    for (const [obj, monitor] of this.watched) if (!monitor.unsubscribe) this.start(obj, monitor);
  }

  /** Ends every monitor, as the run closes. */
  clear(): void {
    this.suspend();
    this.watched.clear();
  }

  private start(obj: Subscribable, monitor: Monitor): void {
    monitor.unsubscribe = obj.subscribe((reading) => this.event(obj, monitor, reading), {
      onError: (error) => this.log(`monitor of ${obj.name} could not read it`, error),
    });
  }

  private event(obj: Subscribable, monitor: Monitor, reading: Reading): void {
    const stream = this.bundler.known(monitor.stream);
    if (!stream || this.watched.get(obj) !== monitor) return;
    const sent = this.bundler.send("event", {
      uid: this.bundler.newUid(),
      time: this.bundler.clock.now(),
      descriptor: stream.descriptor.uid,
      seq_num: this.bundler.advance(monitor.stream, 1),
      data: { [obj.name]: reading.value },
      timestamps: { [obj.name]: reading.timestamp },
      filled: {},
    });
    sent?.catch((error: unknown) => this.log(`a ${monitor.stream} event failed`, error));
  }
}
