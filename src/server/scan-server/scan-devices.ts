/**
 * The Scan Server names devices by their PV names; here a name is a device or a signal of
 * the beamline (`m1`, `m1_velocity`, `det`), found by its full name in the device trees.
 */
import {
  isMovable,
  isReadable,
  isSubscribable,
  isTriggerable,
  type Device,
  type Movable,
  type Readable,
  type Subscribable,
  type Triggerable,
} from "../../core/index.ts";

/** A name as the scan uses it, and what it can do. */
export interface ScanDevice {
  readonly name: string;
  /** What a Set or a Loop writes: the first node of that name that can move. */
  readonly movable: Movable<unknown> | undefined;
  /** What a Log reads: the outermost node of that name (a whole detector, a motor). */
  readonly logged: Readable;
  /** What a Log triggers before it reads, when it can be triggered. */
  readonly trigger: Triggerable | undefined;
  /** What Wait, If and readback checks watch: the signal of that name, else the device. */
  readonly watched: Readable & Partial<Subscribable>;
}

export class UnknownScanDeviceError extends Error {
  constructor(readonly deviceName: string) {
    super(`Unknown device '${deviceName}'`);
    this.name = "UnknownScanDeviceError";
  }
}

/** Looks devices up by name in the beamline's device trees. */
export class ScanDevices {
  readonly #roots: readonly Device[];

  constructor(roots: Iterable<Device>) {
    this.#roots = [...roots];
  }

  /** The top-level device names, in the beamline's order. */
  names(): string[] {
    return this.#roots.map((device) => device.name);
  }

  has(name: string): boolean {
    return this.#nodes(name).length > 0;
  }

  /** The device of that name; throws UnknownScanDeviceError when none has it. */
  get(name: string): ScanDevice {
    const nodes = this.#nodes(name);
    const outer = nodes[0];
    if (outer === undefined || !isReadable(outer)) throw new UnknownScanDeviceError(name);
    const watched = nodes.find(isSubscribable) ?? nodes.find(isReadable) ?? outer;
    return {
      name,
      movable: nodes.find((node) => isMovable(node)) as Movable<unknown> | undefined,
      logged: outer,
      trigger: isTriggerable(outer) ? outer : undefined,
      watched: watched as Readable & Partial<Subscribable>,
    };
  }

  /** Every node named `name`, outermost first. */
  #nodes(name: string): Device[] {
    const found: Device[] = [];
    const visit = (device: Device): void => {
      if (device.name === name) found.push(device);
      for (const child of device.children().values()) visit(child);
    };
    for (const root of this.#roots) visit(root);
    return found;
  }
}

/** The value of `name` in a read of the watched or logged object. */
export function valueIn(
  readings: Readonly<Record<string, { value: unknown; timestamp: number }>>,
  name: string,
): { value: unknown; timestamp: number } | undefined {
  const exact = readings[name];
  if (exact !== undefined) return exact;
  const keys = Object.keys(readings);
  return keys.length === 1 ? readings[keys[0]!] : undefined;
}
