// What all records of one type share: the field table with each field's CA type and
// attributes, the defaults, and the record support that processes them.
import type { DbrValueType } from "../../ca/index.js";
import { commonFields, type FieldSpec, recordTypeTables } from "../db/index.js";
import { type FieldAttributes, fieldAttributesOf } from "../db/field-attributes.js";
import { caTypeOf, defaultOf, type FieldValue, fieldFromText, isLinkSpec } from "./field-types.js";
import type { RecordSupport } from "./support.js";

export interface FieldInfo {
  readonly name: string;
  readonly spec: FieldSpec;
  /** How clients see it; undefined for internal fields. */
  readonly caType: DbrValueType | undefined;
  readonly isLink: boolean;
  /** A put processes the record when it is passive. */
  readonly pp: boolean;
  /** Access security level: 0 operational, 1 configuration. */
  readonly asl: 0 | 1;
  readonly readOnly: boolean;
  /** A change posts DBE_PROPERTY to every monitor of the record. */
  readonly property: boolean;
  readonly initial: FieldValue;
}

export class RecordKind {
  readonly fields = new Map<string, FieldInfo>();
  /** Each field's initial value by name: the prototype of every record's own values. */
  readonly initialValues: Readonly<Record<string, FieldValue>>;
  readonly devices: readonly string[];

  constructor(
    readonly type: string,
    readonly support: RecordSupport,
  ) {
    const table = recordTypeTables[type];
    if (!table) throw new Error(`no record type "${type}"`);
    this.devices = table.devices;
    const attributes = fieldAttributesOf(type);
    const initialValues: Record<string, FieldValue> = Object.create(null) as Record<
      string,
      FieldValue
    >;
    for (const [name, spec] of Object.entries({ ...commonFields, ...table.fields })) {
      const info = this.#info(name, spec, attributes);
      this.fields.set(name, info);
      initialValues[name] = info.initial;
    }
    this.initialValues = initialValues;
  }

  field(name: string): FieldInfo | undefined {
    return this.fields.get(name);
  }

  #info(name: string, spec: FieldSpec, attributes: FieldAttributes): FieldInfo {
    const initialText = attributes.initial[name];
    const initial =
      initialText === undefined ? defaultOf(spec) : fieldFromText(spec, initialText, this.devices);
    return {
      name,
      spec,
      caType: caTypeOf(spec),
      isLink: isLinkSpec(spec),
      pp: attributes.pp.has(name),
      asl: attributes.asl0.has(name) ? 0 : 1,
      readOnly: attributes.readOnly.has(name),
      property: attributes.property.has(name),
      initial,
    };
  }
}
