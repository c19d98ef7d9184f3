import { VirtualClock } from "../../../src/core/index.js";
import { checkDatabase, DatabaseLoader } from "../../../src/ioc/db/index.js";
import { IocDatabase, type IocRecord } from "../../../src/ioc/records/index.js";

/** A started database from .db text, on a virtual clock stepped by hand. */
export function databaseOf(text: string): {
  db: IocDatabase;
  clock: VirtualClock;
  rec: (name: string) => IocRecord;
} {
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  const loader = new DatabaseLoader({ files: { read: () => undefined } });
  loader.loadText(text, "test.db");
  checkDatabase(loader.database, loader.problems);
  loader.problems.throwIfAny();
  const db = new IocDatabase(loader.database, { clock });
  db.start();
  const rec = (name: string): IocRecord => {
    const record = db.record(name);
    if (!record) throw new Error(`no record ${name}`);
    return record;
  };
  return { db, clock, rec };
}
