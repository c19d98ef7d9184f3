import type { Kind } from "../core/index.js";
import type { Position } from "./source-file.js";
import type { Profile } from "./profile.js";
import type { Transport } from "./transport-schema.js";

/** One device as the chosen profile builds it. */
export interface DeviceConfig {
  readonly name: string;
  /** The driver built in this profile: the twin's under "sim", else the device's own. */
  readonly driver: string;
  /** The driver's parameters as its schema parsed them. */
  readonly params: unknown;
  readonly kind: Kind;
  readonly labels: readonly string[];
  readonly limits?: readonly [number, number];
  readonly units?: string;
  /** `{type: "sim"}` for a simulated device. */
  readonly transport: Transport;
  /** The devices it needs, built before it. */
  readonly references: readonly string[];
  /** Built by a sim.* driver. */
  readonly simulated: boolean;
  /** The device's own `driver:`, even when its twin is built. */
  readonly realDriver: string;
  /** Where the device is defined: its file and the position of its name. */
  readonly source: Position & { readonly file: string };
}

/** A config file with its includes merged, checked and resolved for one profile. */
export interface BeamlineConfig {
  /** The main file, as given. */
  readonly file: string;
  /** Every file read: the main one and its includes. */
  readonly files: readonly string[];
  readonly profile: Profile;
  /** Defaults for run start documents. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** In file order (included devices first, in include order). */
  readonly devices: readonly DeviceConfig[];
  /** Every device is built by a sim.* driver, or all are mocked: pick a VirtualClock. */
  readonly isSimulated: boolean;
}
