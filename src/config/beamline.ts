import type { Clock, Device } from "../core/index.js";
import { HilError } from "../core/index.js";
import type { BeamlineConfig } from "./beamline-config.js";
import { didYouMean } from "./close-names.js";

/** A device name that is not in the beamline. */
export class UnknownDeviceError extends HilError {
  readonly device: string;

  constructor(device: string, known: readonly string[], file: string) {
    const hint = didYouMean(device, known, ` (devices: ${known.join(", ") || "none"})`);
    super("HIL_UNKNOWN_DEVICE", `no device "${device}" in ${file}${hint}`);
    this.device = device;
  }
}

/** The devices built from a config, connected, by name and label. */
export class Beamline {
  readonly config: BeamlineConfig;
  readonly clock: Clock;
  /** Defaults for run start documents. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** In config order. */
  readonly devices: ReadonlyMap<string, Device>;

  constructor(config: BeamlineConfig, clock: Clock, devices: ReadonlyMap<string, Device>) {
    this.config = config;
    this.clock = clock;
    this.metadata = config.metadata;
    this.devices = devices;
  }

  /** Every device was built by a sim.* driver. */
  get isSimulated(): boolean {
    return this.config.isSimulated;
  }

  has(name: string): boolean {
    return this.devices.has(name);
  }

  /** Disconnects every device, closing their ports and sockets, so the process can end. */
  async close(): Promise<void> {
    await Promise.all([...this.devices.values()].map((device) => device.disconnect()));
  }

  /** The device named `name`; throws UnknownDeviceError naming close names. */
  get(name: string): Device {
    const device = this.devices.get(name);
    if (!device) throw new UnknownDeviceError(name, [...this.devices.keys()], this.config.file);
    return device;
  }

  /** The devices carrying `label` (e.g. "baseline"), in config order. */
  withLabel(label: string): Device[] {
    return this.config.devices
      .filter((d) => d.labels.includes(label))
      .map((d) => this.devices.get(d.name))
      .filter((d): d is Device => d !== undefined);
  }
}
