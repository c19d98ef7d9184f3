// The IOC's records as the CA server's provider: `rec`, `rec.FIELD`, `rec.FIELD$` and `rec.RTYP`
// resolve to field PVs; internal fields and unknown names resolve to nothing.
import { type CaPv, type CaPvProvider, SoftPv } from "../../ca/index.js";
import type { IocDatabase } from "./database.js";
import { type FieldAccess, FieldPv } from "./field-pv.js";

const FIELD_NAME = /^[A-Z][A-Z0-9]{0,3}$/;

export class IocProvider implements CaPvProvider {
  readonly #pvs = new Map<string, CaPv | null>();

  constructor(
    private readonly database: IocDatabase,
    private readonly access: FieldAccess = {},
  ) {}

  resolve(name: string): CaPv | undefined {
    let pv = this.#pvs.get(name);
    if (pv === undefined) {
      pv = this.#create(name) ?? null;
      this.#pvs.set(name, pv);
    }
    return pv ?? undefined;
  }

  #create(name: string): CaPv | undefined {
    const direct = this.database.record(name);
    if (direct) {
      const field = direct.kind.support.valueField ?? "VAL";
      return new FieldPv(this.database, direct, field, false, this.access);
    }
    const dot = name.lastIndexOf(".");
    if (dot <= 0) return undefined;
    const record = this.database.record(name.slice(0, dot));
    if (!record) return undefined;
    let field = name.slice(dot + 1);
    const longString = field.endsWith("$");
    if (longString) field = field.slice(0, -1);
    if (!FIELD_NAME.test(field)) return undefined;
    if (field === "RTYP") {
      return new SoftPv({
        value: record.type,
        writable: false,
        clock: this.database.clock,
        className: record.type,
      });
    }
    const info = record.info(field);
    const served = record.kind.support.caType?.(record, field) ?? info?.caType;
    if (!info || served === undefined) return undefined;
    return new FieldPv(this.database, record, field, longString, this.access);
  }
}
