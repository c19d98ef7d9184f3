import {
  type AsAccess,
  type AsIdentity,
  type AsLevel,
  type AsRights,
  canRead,
  canWrite,
} from "./rights.js";

/** One client's access to one field, kept current as CALC inputs change. */
export interface AsClient {
  /** The group used: the record's ASG, or DEFAULT when the file does not define it. */
  readonly group: string;
  readonly level: AsLevel;
  readonly identity: AsIdentity;
  readonly rights: AsRights;
  readonly trapWrite: boolean;
  readonly canRead: boolean;
  readonly canWrite: boolean;
  /** Called with the new access each time the rights or TRAPWRITE change. */
  onChange(listener: (access: AsAccess) => void): () => void;
  /** A CA client may send CLIENT_NAME or HOST_NAME again; the access is recomputed. */
  setIdentity(identity: AsIdentity): void;
  /** Stops updates; call it when the channel closes. */
  close(): void;
}

/** An AsClient of one group and level, recomputed by its AccessSecurity. */
export class Client implements AsClient {
  private access: AsAccess;
  private readonly listeners = new Set<(access: AsAccess) => void>();

  constructor(
    readonly group: string,
    readonly level: AsLevel,
    private who: AsIdentity,
    /** The access of an identity to this group and level, now. */
    private readonly compute: (identity: AsIdentity) => AsAccess,
    private readonly detach: () => void,
  ) {
    this.access = compute(who);
  }

  get identity(): AsIdentity {
    return this.who;
  }

  get rights(): AsRights {
    return this.access.rights;
  }
  get trapWrite(): boolean {
    return this.access.trapWrite;
  }
  get canRead(): boolean {
    return canRead(this.access.rights);
  }
  get canWrite(): boolean {
    return canWrite(this.access.rights);
  }

  onChange(listener: (access: AsAccess) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setIdentity(identity: AsIdentity): void {
    this.who = identity;
    this.recompute();
  }

  close(): void {
    this.listeners.clear();
    this.detach();
  }

  /** Recomputes and tells the listeners if anything changed; the first error is rethrown. */
  recompute(): void {
    const next = this.compute(this.who);
    if (next.rights === this.access.rights && next.trapWrite === this.access.trapWrite) return;
    this.access = next;
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
