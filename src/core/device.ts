import { ConfigurationError, NotConnectedError, StagingError } from "./errors.js";
import type { DataKeys, Readings } from "./reading.js";

/**
 * Where a child's fields go: `hinted` and `normal` into read() (hinted ones also into hints,
 * which plots and tables show first), `config` into readConfiguration(), `omitted` nowhere.
 */
export type Kind = "hinted" | "normal" | "config" | "omitted";

export interface DeviceOptions {
  name?: string;
  kind?: Kind;
}

export interface ConnectOptions {
  /** Seconds each backend may take to connect. */
  timeout?: number;
  /**
   * Swap every signal's backend for a MockSignalBackend instead of connecting it, so the
   * device's own logic runs with no transport (ophyd-async's mock mode).
   */
  mock?: boolean;
}

export interface Hints {
  fields: string[];
}

/** What configure() needs of a child. */
interface Settable {
  set(value: unknown): PromiseLike<unknown>;
}

interface ParentLink {
  readonly parent: Device;
  readonly key: string;
  /** The child whose field carries the device's own name, like a motor's readback `m1`. */
  readonly primary: boolean;
}

/** A signal a device sets while staged and restores afterwards (ophyd's stage_sigs). */
interface StageSetting {
  readonly signal: { get(): Promise<unknown>; set(value: unknown): PromiseLike<void> };
  readonly value: unknown;
}

/**
 * A tree of named children. Children are declared in the constructor with `add`, so names
 * compose (`m1` + `velocity` = `m1_velocity`) and the tree needs no reflection.
 */
export class Device {
  private ownKind: Kind;
  /** Whether the kind was chosen at construction, so that add() keeps it. */
  private readonly kindGiven: boolean;
  private ownName: string;
  private composedName: string | undefined;
  /** The hinted and normal children, found once: read() runs at every point of a scan. */
  private dataChildList: Device[] | undefined;
  private link: ParentLink | undefined;
  private readonly childMap = new Map<string, Device>();
  private readonly stageSettings: StageSetting[] = [];
  private restoreOnUnstage: Array<() => PromiseLike<void>> | undefined;
  private lastConnectMocked = false;

  constructor({ name = "", kind }: DeviceOptions = {}) {
    this.ownName = name;
    this.kindGiven = kind !== undefined;
    this.ownKind = kind ?? this.defaultKind();
  }

  /** The kind of a device made without one; a child added without one is `normal`. */
  protected defaultKind(): Kind {
    return "normal";
  }

  get kind(): Kind {
    return this.ownKind;
  }

  get name(): string {
    // Cached: every reading is keyed by it.
    return (this.composedName ??= this.composeName());
  }

  /** Renames a root device; its children's names follow. */
  setName(name: string): void {
    if (this.link) throw new Error(`${this.name} is a child of ${this.link.parent.name}`);
    this.ownName = name;
    this.forgetName();
  }

  get parent(): Device | undefined {
    return this.link?.parent;
  }

  /** The children in declaration order, by key. */
  children(): ReadonlyMap<string, Device> {
    return this.childMap;
  }

  get staged(): boolean {
    return this.restoreOnUnstage !== undefined;
  }

  /** Whether the last connect() was with `{mock: true}`: a driver then sends nothing. */
  protected get connectedAsMock(): boolean {
    return this.lastConnectMocked;
  }

  async connect(options: ConnectOptions = {}): Promise<void> {
    this.lastConnectMocked = options.mock ?? false;
    const failures = new Map<string, Error>();
    await Promise.all(
      [...this.childMap.values()].map(async (child) => {
        try {
          await child.connect(options);
        } catch (error) {
          if (error instanceof NotConnectedError) {
            for (const [name, cause] of error.failures) failures.set(name, cause);
          } else {
            failures.set(child.name, error instanceof Error ? error : new Error(String(error)));
          }
        }
      }),
    );
    if (failures.size > 0) throw new NotConnectedError(this.name, failures);
  }

  /** Releases ports and sockets; the device must be connected again before use. */
  async disconnect(): Promise<void> {
    await Promise.all([...this.childMap.values()].map((child) => child.disconnect()));
  }

  async read(): Promise<Readings> {
    return this.canReadNow() ? this.readNow() : this.readChildren();
  }

  /**
   * Whether readNow() can give the readings: every data child holds or computes its value
   * without I/O, and nothing on the way reads in its own way (overrides read).
   */
  canReadNow(): boolean {
    if (this.read !== Device.prototype.read) return false;
    for (const child of this.dataChildren()) if (!child.canReadNow()) return false;
    return true;
  }

  /** The readings at once, without the promises of read(); only when canReadNow(). */
  readNow(): Readings {
    const children = this.dataChildren();
    if (children.length === 1) return children[0]!.readNow();
    const readings: Readings = {};
    for (const child of children) Object.assign(readings, child.readNow());
    return readings;
  }

  private async readChildren(): Promise<Readings> {
    const parts = await Promise.all(this.dataChildren().map((child) => child.read()));
    return parts.length === 1 ? parts[0]! : Object.assign({}, ...parts);
  }

  async describe(): Promise<DataKeys> {
    const parts = await Promise.all(this.dataChildren().map((child) => child.describe()));
    return parts.length === 1 ? parts[0]! : Object.assign({}, ...parts);
  }

  readConfiguration(): Promise<Readings> {
    return this.gather((child) => {
      if (child.kind === "omitted") return [];
      const own = child.kind === "config" ? [child.read()] : [];
      return child.isLeaf() ? own : [...own, child.readConfiguration()];
    });
  }

  describeConfiguration(): Promise<DataKeys> {
    return this.gather((child) => {
      if (child.kind === "omitted") return [];
      const own = child.kind === "config" ? [child.describe()] : [];
      return child.isLeaf() ? own : [...own, child.describeConfiguration()];
    });
  }

  /**
   * Whether this is a leaf such as a signal, whose place in its parent's configuration is
   * decided by its kind alone (its own readConfiguration() is for when it stands alone).
   */
  protected isLeaf(): boolean {
    return false;
  }

  get hints(): Hints {
    const fields: string[] = [];
    for (const child of this.childMap.values()) {
      if (inData(child)) fields.push(...child.hints.fields);
    }
    return { fields };
  }

  /**
   * Writes configuration children by key, e.g. `{exposure: 0.5}`; a key that is not a
   * writable config child is refused, naming the ones there are.
   */
  async configure(settings: Record<string, unknown>): Promise<void> {
    const writable = [...this.childMap].filter(
      ([, child]) =>
        child.kind === "config" && typeof (child as Partial<Settable>).set === "function",
    );
    for (const [key, value] of Object.entries(settings)) {
      const child = writable.find(([k]) => k === key)?.[1] as Settable | undefined;
      if (!child) {
        const known = writable.map(([k]) => k).join(", ") || "none";
        throw new ConfigurationError(
          this.name,
          `has no writable configuration "${key}" (it has: ${known})`,
        );
      }
      await child.set(value);
    }
  }

  /** Sets the stage settings, then stages the children. Staging twice is an error. */
  async stage(): Promise<void> {
    if (this.staged) throw new StagingError(this.name, "is already staged");
    const restore: Array<() => PromiseLike<void>> = [];
    this.restoreOnUnstage = restore;
    for (const { signal, value } of this.stageSettings) {
      const original = await signal.get();
      await signal.set(value);
      restore.push(() => signal.set(original));
    }
    for (const child of this.childMap.values()) {
      await child.stage();
      restore.push(() => child.unstage());
    }
  }

  /** Undoes stage() in reverse order; does nothing when not staged. */
  async unstage(): Promise<void> {
    const restore = this.restoreOnUnstage;
    if (!restore) return;
    this.restoreOnUnstage = undefined;
    for (const undo of restore.reverse()) await undo();
  }

  toString(): string {
    return `${this.constructor.name}(${this.name})`;
  }

  /**
   * Declares a child. `kind` sets the child's role here (else it keeps its own); a `primary`
   * child's field is named after this device.
   */
  protected add<D extends Device>(
    key: string,
    child: D,
    { primary = false, kind }: { primary?: boolean; kind?: Kind } = {},
  ): D {
    if (this.childMap.has(key)) throw new Error(`${this.name} already has a child ${key}`);
    if (child.link) throw new Error(`${child.name} already belongs to ${child.link.parent.name}`);
    child.link = { parent: this, key, primary };
    child.forgetName();
    // As ophyd's Component: a child is `normal` unless the device or the child says otherwise.
    if (kind) child.ownKind = kind;
    else if (!child.kindGiven) child.ownKind = "normal";
    this.childMap.set(key, child);
    return child;
  }

  /** Writes `value` to `signal` on stage() and restores the old value on unstage(). */
  protected setOnStage<T>(
    signal: { get(): Promise<T>; set(value: T): PromiseLike<void> },
    value: T,
  ): void {
    this.stageSettings.push({ signal, value } as StageSetting);
  }

  private dataChildren(): Device[] {
    return (this.dataChildList ??= [...this.childMap.values()].filter(inData));
  }

  private composeName(): string {
    const link = this.link;
    if (!link) return this.ownName;
    const parentName = link.parent.name;
    if (link.primary) return parentName;
    return parentName ? `${parentName}_${link.key}` : link.key;
  }

  private forgetName(): void {
    this.composedName = undefined;
    for (const child of this.childMap.values()) child.forgetName();
  }

  private async gather<V>(
    parts: (child: Device) => Array<Promise<Record<string, V>>>,
  ): Promise<Record<string, V>> {
    const pending: Array<Promise<Record<string, V>>> = [];
    for (const child of this.childMap.values()) pending.push(...parts(child));
    return Object.assign({}, ...(await Promise.all(pending))) as Record<string, V>;
  }
}

function inData(child: Device): boolean {
  return child.kind === "hinted" || child.kind === "normal";
}
