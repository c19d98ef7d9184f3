/** What the reference checks need of a device. */
export interface ReferenceNode {
  readonly name: string;
  readonly references: readonly string[];
}

/**
 * The reference cycles among `devices`, each once, as the names along it with the first
 * repeated at the end: [["a", "b", "a"]]. Self-references count: [["a", "a"]].
 */
export function referenceCycles(devices: readonly ReferenceNode[]): string[][] {
  const byName = new Map(devices.map((d) => [d.name, d]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (name: string): void => {
    state.set(name, "visiting");
    stack.push(name);
    for (const next of byName.get(name)?.references ?? []) {
      if (!byName.has(next)) continue;
      const seen = state.get(next);
      if (seen === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const device of devices) if (!state.has(device.name)) visit(device.name);
  return cycles;
}

/**
 * The devices with each one after the devices it references, otherwise in the given order
 * (depth first: a device's references come just before it). References to unknown devices
 * are ignored; in a cycle, which loadConfig refuses, the first device reached comes last.
 */
export function dependencyOrder<D extends ReferenceNode>(devices: readonly D[]): D[] {
  const byName = new Map(devices.map((d) => [d.name, d]));
  const reached = new Set<string>();
  const order: D[] = [];
  const place = (device: D): void => {
    reached.add(device.name);
    for (const name of device.references) {
      const next = byName.get(name);
      if (next && !reached.has(name)) place(next);
    }
    order.push(device);
  };
  for (const device of devices) if (!reached.has(device.name)) place(device);
  return order;
}
