// Links to PVs of other IOCs (dbCa): one CA channel per name, monitored, its latest value and
// alarm kept for the records that read it; writes go out as CA puts; a CP/CPP link processes
// its record on each update.
import type { Clock } from "../../core/index.js";
import { CaClient, type CaChannel, type DbrData } from "../../ca/index.js";
import type { FieldValue, NumericArray } from "./field-types.js";
import type { PvLink } from "./links.js";

/** What a record's link sees of a remote PV. */
export interface RemotePv {
  readonly name: string;
  readonly connected: boolean;
  /** The latest value and alarm; undefined until the first update. */
  readonly latest: { value: FieldValue; status: number; severity: number } | undefined;
  /** A CA put; a failure shows as the link's LINK alarm at the next pass. */
  put(value: FieldValue | readonly string[]): void;
  /** Calls `listener` on every update (for CP/CPP) until the returned function is called. */
  watch(listener: () => void): () => void;
}

export interface CaLinkOptions {
  /** EPICS_CA_* for the client (default the process's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
}

function fieldValueOf(data: DbrData): FieldValue {
  const value = data.value;
  if (Array.isArray(value)) return value[0] ?? "";
  if (value.length === 1) return value[0]!;
  return value as NumericArray;
}

class RemoteChannel implements RemotePv {
  latest: RemotePv["latest"];
  readonly #watchers = new Set<() => void>();

  constructor(
    readonly channel: CaChannel,
    private readonly log: (line: string) => void,
  ) {
    channel.on("disconnect", () => (this.latest = undefined));
    channel.monitor(
      { type: "time", onError: (error) => log(`${channel.name}: ${error.message}`) },
      (data) => {
        this.latest = {
          value: fieldValueOf(data),
          status: data.status ?? 0,
          severity: data.severity ?? 0,
        };
        for (const watcher of [...this.#watchers]) watcher();
      },
    );
  }

  get name(): string {
    return this.channel.name;
  }

  get connected(): boolean {
    return this.channel.state === "connected";
  }

  put(value: FieldValue | readonly string[]): void {
    this.channel
      .put(value)
      .catch((error: unknown) => this.log(`put to ${this.name}: ${(error as Error).message}`));
  }

  watch(listener: () => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }
}

export class CaLinks {
  #client: CaClient | undefined;
  readonly #channels = new Map<string, RemoteChannel>();

  constructor(
    private readonly clock: Clock,
    private readonly options: CaLinkOptions = {},
  ) {}

  /** The remote PV a link names, searched for the first time it is asked for. */
  remote(link: PvLink): RemotePv {
    let remote = this.#channels.get(link.pvName);
    if (!remote) {
      this.#client ??= new CaClient({ env: this.options.env, clock: this.clock });
      const log = this.options.log ?? (() => {});
      remote = new RemoteChannel(this.#client.channel(link.pvName), log);
      this.#channels.set(link.pvName, remote);
    }
    return remote;
  }

  async close(): Promise<void> {
    this.#channels.clear();
    await this.#client?.close();
  }
}
