import type {
  DescriptorDataKey,
  EventDescriptor,
  ObjectConfiguration,
  RunStart,
} from "../../core/index.js";
import { asText, columnKind, flatNumbers } from "./columns.js";
import { type H5Dataset, type H5Group, text } from "./datasets.js";

/** The entry's group of devices, as NeXus names it. */
export const NEXUS_INSTRUMENT_GROUP = "instrument";
/** A device's child NXcollection of its configuration, by the configuration's own names. */
const CONFIGURATION = "configuration";
/** A positioner's or detector's child NXcollection of the fields its class has no name for. */
const READINGS = "readings";

type NxClass = "NXpositioner" | "NXdetector" | "NXcollection";

interface Device {
  readonly name: string;
  readonly nxClass: NxClass;
  readonly group: H5Group;
  configured: boolean;
}

interface Described {
  readonly doc: EventDescriptor;
  /** The stream's group, where its fields' datasets are. */
  readonly stream: H5Group;
}

/**
 * `/entry/instrument` (NXinstrument): a group per device of the run, grouped by the
 * descriptors' `object_keys`. The start document's motors are NXpositioner (`name`; `value`
 * their readback, `target_value` their setpoint and `raw_value` a raw reading when the data
 * has them), its detectors NXdetector (`local_name`; `data` their first hinted field), other
 * devices NXcollection (every field by its own name). A positioner's or detector's other
 * fields go in its `readings` NXcollection. Fields are NeXus links (hard links, `@target`
 * naming the first path) to the stream's datasets,
 * the primary stream's where a device is in it; a detector's frames in its own file are an
 * external link, as in the stream. Each device's configuration is written once, from the
 * first descriptor that has it, as datasets of its `configuration` NXcollection with their
 * units; a positioner's `velocity`, `soft_limit_min`, `soft_limit_max` and
 * `acceleration_time` are links to the configuration values they name.
 *
 * Links are made only to datasets already in the file: numeric columns when their stream is
 * described (primary) or at stop (other streams), text columns at stop once written.
 */
export class Instrument {
  readonly group: H5Group;
  private readonly start: RunStart;
  private readonly devices = new Map<string, Device>();
  private readonly described = new Map<string, Described>();

  constructor(entry: H5Group, start: RunStart) {
    this.start = start;
    this.group = entry.create_group(NEXUS_INSTRUMENT_GROUP);
    this.group.create_attribute("NX_class", "NXinstrument");
    if (typeof start.instrument === "string") {
      const name = text(this.group, "name", start.instrument);
      if (typeof start.beamline_id === "string") {
        name.create_attribute("short_name", start.beamline_id);
      }
    }
  }

  /** Makes the groups and configuration of a descriptor's devices; links the primary stream's fields. */
  describe(doc: EventDescriptor, stream: H5Group): void {
    const described = { doc, stream };
    this.described.set(doc.uid, described);
    const grouped = devicesOf(doc, this.start);
    for (const name of new Set([...grouped.keys(), ...Object.keys(doc.configuration ?? {})])) {
      const device = this.device(name);
      if (!device.configured) this.configure(device, doc.configuration?.[name]);
    }
    if (doc.name === "primary") this.link(described);
  }

  /** Links a detector's frames, written to `file`'s `dataset`, where its field belongs. */
  frames(descriptor: string, field: string, file: string, dataset: string): void {
    const described = this.described.get(descriptor);
    if (!described) return;
    for (const [name, fields] of devicesOf(described.doc, this.start)) {
      if (!fields.includes(field)) continue;
      const device = this.device(name);
      const role = roles(device, fields, described.doc).find(([, f]) => f === field);
      const place = role && this.place(device, role[0]);
      if (place) place.group.create_external_link(file, dataset, place.name);
    }
  }

  /** Links what is left: other streams' fields, text columns; groups for devices with no data. */
  finish(): void {
    const all = [...this.described.values()];
    const ordered = [
      ...all.filter(({ doc }) => doc.name === "primary"),
      ...all.filter(({ doc }) => doc.name !== "primary"),
    ];
    for (const described of ordered) this.link(described);
    for (const name of [...(this.start.motors ?? []), ...(this.start.detectors ?? [])]) {
      this.device(name);
    }
  }

  private link({ doc, stream }: Described): void {
    const written = new Set(stream.keys());
    for (const [name, fields] of devicesOf(doc, this.start)) {
      const device = this.device(name);
      for (const [role, field] of roles(device, fields, doc)) {
        if (!written.has(field) || doc.data_keys[field]?.external !== undefined) continue;
        const place = this.place(device, role);
        if (place) nexusLink(place.group, `${stream.path}/${field}`, place.name);
      }
    }
  }

  /** Where a role's link goes: its group and name, or undefined when something is there. */
  private place(device: Device, role: string): { group: H5Group; name: string } | undefined {
    let group = device.group;
    let name = role;
    if (role.startsWith(`${READINGS}/`)) {
      name = role.slice(READINGS.length + 1);
      if (!group.keys().includes(READINGS)) collection(group, READINGS);
      group = group.get(READINGS) as H5Group;
    }
    return group.keys().includes(name) ? undefined : { group, name };
  }

  private device(name: string): Device {
    let device = this.devices.get(name);
    if (device) return device;
    const nxClass: NxClass = (this.start.motors ?? []).includes(name)
      ? "NXpositioner"
      : (this.start.detectors ?? []).includes(name)
        ? "NXdetector"
        : "NXcollection";
    // a device named like a field of NXinstrument ("name") takes a suffix
    const taken = this.group.keys().includes(name);
    const group = this.group.create_group(taken ? `${name}_device` : name);
    group.create_attribute("NX_class", nxClass);
    if (nxClass === "NXpositioner") text(group, "name", name);
    if (nxClass === "NXdetector") text(group, "local_name", name);
    device = { name, nxClass, group, configured: false };
    this.devices.set(name, device);
    return device;
  }

  private configure(device: Device, configuration: ObjectConfiguration | undefined): void {
    const entries = Object.entries(configuration?.data ?? {});
    if (entries.length === 0 || device.group.keys().includes(CONFIGURATION)) return;
    device.configured = true;
    const group = collection(device.group, CONFIGURATION);
    for (const [field, value] of entries) {
      writeValue(group, field, value, configuration!.data_keys?.[field]);
    }
    if (device.nxClass !== "NXpositioner") return;
    const units = (field: string) => configuration!.data_keys?.[field]?.units ?? "";
    const named = (suffixes: string[], accept: (field: string) => boolean = () => true) =>
      suffixes
        .map((suffix) => `${device.name}_${suffix}`)
        .find((f) => f in configuration!.data && accept(f));
    const standard: Array<[string, string | undefined]> = [
      ["velocity", named(["velocity"])],
      ["soft_limit_min", named(["low_limit", "low_limit_travel"])],
      ["soft_limit_max", named(["high_limit", "high_limit_travel"])],
      [
        "acceleration_time",
        named(["acceleration_time"]) ??
          named(["acceleration"], (f) => /^(s|ms|us)$/.test(units(f))),
      ],
    ];
    for (const [name, field] of standard) {
      if (field) nexusLink(device.group, `${group.path}/${field}`, name);
    }
  }
}

/**
 * A NeXus link, as the NeXus file format maps it to HDF5: a hard link (one dataset under
 * two names, surviving a rename of either) whose dataset names its first path in `@target`.
 */
function nexusLink(group: H5Group, target: string, name: string): void {
  group.create_hard_link(target, name);
  const dataset = group.get(target) as H5Dataset;
  if (!("target" in dataset.attrs)) dataset.create_attribute("target", target);
}

/** Each device of a descriptor and its fields: a start document's motor claims the field of its name. */
function devicesOf(doc: EventDescriptor, start: RunStart): Map<string, string[]> {
  const claimed = new Set((start.motors ?? []).filter((motor) => motor in doc.data_keys));
  const devices = new Map<string, string[]>();
  const assigned = new Set<string>();
  const add = (device: string, field: string): void => {
    if (!(field in doc.data_keys) || assigned.has(field)) return;
    assigned.add(field);
    devices.set(device, [...(devices.get(device) ?? []), field]);
  };
  for (const motor of claimed) add(motor, motor);
  for (const [device, fields] of Object.entries(doc.object_keys ?? {})) {
    for (const field of fields) add(device, field);
  }
  for (const [field, key] of Object.entries(doc.data_keys)) {
    if (key.object_name) add(key.object_name, field);
  }
  return devices;
}

/** The link names of a device's fields: its class's names, the rest in `readings`. */
function roles(device: Device, fields: string[], doc: EventDescriptor): Array<[string, string]> {
  const { name } = device;
  const hinted = (doc.hints?.[name]?.fields ?? []).filter((field) => fields.includes(field));
  const pick = (...candidates: Array<string | undefined>) =>
    candidates.find((field): field is string => field !== undefined && fields.includes(field));
  const named: Array<[string, string | undefined]> = [];
  if (device.nxClass === "NXpositioner") {
    const target = pick(`${name}_setpoint`, `${name}_user_setpoint`);
    const raw = pick(`${name}_raw`, `${name}_raw_value`, `${name}_dial_readback`);
    const others = fields.filter((field) => field !== target && field !== raw);
    const value = pick(name, `${name}_readback`, `${name}_user_readback`, hinted[0], others[0]);
    named.push(["value", value], ["raw_value", raw], ["target_value", target]);
  } else if (device.nxClass === "NXdetector") {
    named.push(["data", pick(hinted[0], name, fields[0])]);
  } else {
    return fields.map((field) => [field, field]);
  }
  const taken = new Set(named.map(([, field]) => field));
  return [
    ...named.filter((role): role is [string, string] => role[1] !== undefined),
    ...fields
      .filter((field) => !taken.has(field))
      .map((f): [string, string] => [`${READINGS}/${f}`, f]),
  ];
}

function collection(parent: H5Group, name: string): H5Group {
  const group = parent.create_group(name);
  group.create_attribute("NX_class", "NXcollection");
  return group;
}

/** A configuration value as a dataset: numbers in the data key's dtype and shape, else text. */
function writeValue(group: H5Group, name: string, value: unknown, key?: DescriptorDataKey): void {
  const numbers = typeof value === "string" ? [] : flatNumbers(value);
  const guess = typeof value === "boolean" ? "boolean" : Array.isArray(value) ? "array" : "number";
  const kind = columnKind(
    key ?? { dtype: guess, shape: Array.isArray(value) ? [numbers.length] : [], source: "" },
  );
  const size = kind.kind === "numeric" ? kind.shape.reduce((a, b) => a * b, 1) : 0;
  const dataset: H5Dataset =
    kind.kind === "text" || typeof value === "string" || numbers.length !== size
      ? text(group, name, asText(value))
      : group.create_dataset({
          name,
          data: kind.make(numbers) as never,
          shape: kind.shape,
          dtype: kind.dtype,
        });
  if (key?.units) dataset.create_attribute("units", key.units);
  if (key?.source) dataset.create_attribute("source", key.source);
}
