import { computeAccess } from "./compute.js";
import { GroupState, type RuleState } from "./group-state.js";
import { type HostMatchOptions, clientHostKey, hagEntryKey } from "./hosts.js";
import type { AsInputs } from "./inputs.js";
import { type AccessKind, type AcfConfig, DEFAULT_GROUP } from "./model.js";
import { type AsClient, Client } from "./client.js";
import { type AsAccess, type AsIdentity, type AsLevel, FULL_ACCESS } from "./rights.js";

export interface AccessSecurityOptions extends HostMatchOptions {
  /** The source of INPx values; without one, CALC rules reading an input never grant. */
  readonly inputs?: AsInputs;
}

const RANKS: Readonly<Record<AccessKind, number>> = { NONE: 0, READ: 1, WRITE: 2 };

/**
 * Access security of an IOC: built from a parsed .acf file (or disabled, when the IOC has
 * none: then every client reads and writes, as in EPICS).
 */
export class AccessSecurity {
  private readonly clients = new Map<string, Set<Client>>();
  private readonly stops: (() => void)[] = [];

  private constructor(
    private readonly groups: ReadonlyMap<string, GroupState> | undefined,
    private readonly hosts: HostMatchOptions,
  ) {}

  /** No .acf file: every client may read and write every field. */
  static disabled(): AccessSecurity {
    return new AccessSecurity(undefined, {});
  }

  /** Subscribes to every group's INP PVs through `options.inputs` until close(). */
  static fromConfig(config: AcfConfig, options: AccessSecurityOptions = {}): AccessSecurity {
    const hosts: HostMatchOptions = {
      ...(options.checkClientIP ? { checkClientIP: true } : {}),
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    };
    const userSets = new Map([...config.uags].map(([name, users]) => [name, new Set(users)]));
    const hostSets = new Map(
      [...config.hags].map(([name, list]) => [
        name,
        new Set(list.map((h) => hagEntryKey(h, hosts))),
      ]),
    );
    const groups = new Map<string, GroupState>();
    for (const group of config.groups.values()) {
      const rules = group.rules.map((rule): RuleState => ({
        rule,
        rank: RANKS[rule.access],
        users: rule.uags.map((name) => userSets.get(name)!),
        hosts: rule.hags.map((name) => hostSets.get(name)!),
        calcResult: false,
      }));
      groups.set(group.name, new GroupState(group, rules));
    }
    const security = new AccessSecurity(groups, hosts);
    for (const state of groups.values()) {
      for (const { input, pv } of state.group.inputs) {
        const stop = options.inputs?.subscribe(pv, (value, valid) => {
          if (state.update(input, value, valid)) security.recomputeGroup(state.group.name);
        });
        if (stop) security.stops.push(stop);
      }
    }
    return security;
  }

  /** The group a record with this ASG belongs to: DEFAULT when there is no such group. */
  groupOf(asg: string): string {
    if (!this.groups) return asg;
    return this.groups.has(asg) ? asg : DEFAULT_GROUP;
  }

  /** The access now, computed once. */
  access(asg: string, level: AsLevel, identity: AsIdentity): AsAccess {
    const group = this.groups?.get(this.groupOf(asg));
    if (!group) return FULL_ACCESS;
    return computeAccess(group, level, identity.user, clientHostKey(identity.host, this.hosts));
  }

  /** A client's access to a field of level `level` in the record's group `asg`, kept current. */
  client(asg: string, level: AsLevel, identity: AsIdentity): AsClient {
    const group = this.groupOf(asg);
    let members = this.clients.get(group);
    if (!members) this.clients.set(group, (members = new Set()));
    const set = members;
    const compute = (who: AsIdentity): AsAccess => this.access(group, level, who);
    const client: Client = new Client(group, level, identity, compute, () => set.delete(client));
    set.add(client);
    return client;
  }

  /** Stops the INP subscriptions; clients keep the access they last had. */
  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private recomputeGroup(group: string): void {
    const errors: unknown[] = [];
    for (const client of [...(this.clients.get(group) ?? [])]) {
      try {
        client.recompute();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
