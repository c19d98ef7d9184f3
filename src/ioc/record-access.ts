// Access security on the records: each field's rights from the record's ASG and the field's
// level (ASL0/ASL1), with CALC rule inputs read from the IOC's own records.
import { AccessRights, type CaClientIdentity } from "../ca/index.js";
import { AccessSecurity, type AcfConfig, type AsInputs, describeRefusal } from "./access/index.js";
import { DBE_ALARM, DBE_VALUE, type FieldAccess, type IocDatabase, SEVR } from "./records/index.js";
import { splitPvName } from "./records/links.js";

/**
 * INPx of the .acf read from this IOC's records; a name none of ours stays invalid.
 * `changed` runs after each new input value has been taken into the rights.
 */
function recordInputs(database: IocDatabase, changed: () => void): AsInputs {
  return {
    subscribe(pv, take) {
      const listener = (value: number, valid: boolean): void => {
        take(value, valid);
        changed();
      };
      const { recordName, field } = splitPvName(pv);
      const record = database.record(recordName);
      if (!record?.info(field)) {
        listener(0, false);
        return () => {};
      }
      const tell = (): void => listener(record.num(field), record.num("SEVR") < SEVR.INVALID);
      tell();
      return record.watch(field, (_field, mask) => {
        if (mask & (DBE_VALUE | DBE_ALARM)) tell();
      });
    },
  };
}

/**
 * Field rights and refusal logging for the provider, from a parsed .acf file;
 * `rightsMayHaveChanged` runs when a CALC rule's input or a record's ASG changed.
 */
export function recordAccess(
  config: AcfConfig,
  database: IocDatabase,
  log: (line: string) => void,
  rightsMayHaveChanged: () => void = () => {},
): { access: FieldAccess; close: () => void } {
  // Inputs often change together (one record's value and severity): one recheck for all.
  let pending = false;
  const changed = (): void => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      rightsMayHaveChanged();
    });
  };
  const security = AccessSecurity.fromConfig(config, { inputs: recordInputs(database, changed) });
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
    close: () => {
      for (const stop of unwatch) stop();
      security.close();
    },
  };
}
