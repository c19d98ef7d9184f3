// Access security on the records: each field's rights from the record's ASG and the field's
// level (ASL0/ASL1), with CALC rule inputs read from the IOC's own records, or over Channel
// Access when they name another IOC's PV (as asCa does).
import type { Clock } from "../core/index.js";
import { AccessRights, CaClient, type CaClientIdentity, DBR } from "../ca/index.js";
import { AccessSecurity, type AcfConfig, type AsInputs, describeRefusal } from "./access/index.js";
import { DBE_ALARM, DBE_VALUE, type FieldAccess, type IocDatabase, SEVR } from "./records/index.js";
import { splitPvName } from "./records/links.js";

export interface RecordAccessOptions {
  readonly log: (line: string) => void;
  /** Runs when a CALC rule's input or a record's ASG changed: open channels may be told. */
  readonly rightsMayHaveChanged?: () => void;
  /** EPICS_CA_* for inputs on other IOCs (default the process's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
}

type InputListener = (value: number, valid: boolean) => void;

/** An input of this IOC: the field's value, valid while the record is not INVALID. */
function localInput(
  database: IocDatabase,
  pv: string,
  listener: InputListener,
): (() => void) | undefined {
  const { recordName, field } = splitPvName(pv);
  const record = database.record(recordName);
  if (!record?.info(field)) return undefined;
  const tell = (): void => listener(record.num(field), record.num("SEVR") < SEVR.INVALID);
  tell();
  return record.watch(field, (_field, mask) => {
    if (mask & (DBE_VALUE | DBE_ALARM)) tell();
  });
}

/** Another IOC's PV: invalid until connected, when INVALID, and once disconnected. */
function remoteInput(client: CaClient, pv: string, listener: InputListener): () => void {
  const channel = client.channel(pv);
  const stopDisconnect = channel.on("disconnect", () => listener(0, false));
  const subscription = channel.monitor({ type: DBR.TIME_DOUBLE }, (update) => {
    listener(Number(update.value[0]), (update.severity ?? 0) < SEVR.INVALID);
  });
  return () => {
    stopDisconnect();
    subscription.cancel();
    channel.close();
  };
}

/**
 * INPx of the .acf, read from this IOC's records or over CA; `changed` runs after each new
 * input value has been taken into the rights. `close` ends the CA client, if one was made.
 */
function inputs(
  database: IocDatabase,
  options: RecordAccessOptions,
  changed: () => void,
): AsInputs & { close(): Promise<void> } {
  let client: CaClient | undefined;
  return {
    subscribe(pv, take) {
      const listener: InputListener = (value, valid) => {
        take(value, valid);
        changed();
      };
      const local = localInput(database, pv, listener);
      if (local) return local;
      client ??= new CaClient({ env: options.env, clock: options.clock });
      return remoteInput(client, pv, listener);
    },
    close: async () => client?.close(),
  };
}

/**
 * Field rights and refusal logging for the provider, from a parsed .acf file.
 */
export function recordAccess(
  config: AcfConfig,
  database: IocDatabase,
  options: RecordAccessOptions,
): { access: FieldAccess; close: () => Promise<void> } {
  const log = options.log;
  // Inputs often change together (one record's value and severity): one recheck for all.
  let pending = false;
  const changed = (): void => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      options.rightsMayHaveChanged?.();
    });
  };
  const sources = inputs(database, options, changed);
  const security = AccessSecurity.fromConfig(config, { inputs: sources });
  // A put to a record's ASG moves it to another group, as asChangeGroup does.
  const unwatch = [...database.records.values()].map((record) => record.watch("ASG", changed));
  const identityOf = (client: CaClientIdentity): { user: string; host: string } => ({
    user: client.user,
    host: client.host,
  });
  const access: FieldAccess = {
    rights(record, field, client) {
      const level = record.info(field)?.asl ?? 1;
      const { rights } = security.access(record.text("ASG"), level, identityOf(client));
      return (rights & 1 ? AccessRights.READ : 0) | (rights & 2 ? AccessRights.WRITE : 0);
    },
    refused(record, field, client, why) {
      const level = record.info(field)?.asl ?? 1;
      const group = security.groupOf(record.text("ASG"));
      log(
        `${describeRefusal(`${record.name}.${field}`, { identity: identityOf(client), group, level })} (${why})`,
      );
    },
  };
  return {
    access,
    close: async () => {
      for (const stop of unwatch) stop();
      security.close();
      await sources.close();
    },
  };
}
