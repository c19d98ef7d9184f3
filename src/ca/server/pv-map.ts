/** The simplest provider: a table of PVs by name. */
import type { CaPv, CaPvProvider } from "./provider.js";

/**
 * A provider over a Map (read live: PVs added to or removed from it later are seen) or a
 * record of PVs (copied).
 */
export function pvProvider(
  pvs: ReadonlyMap<string, CaPv> | Readonly<Record<string, CaPv>>,
): CaPvProvider {
  const table: ReadonlyMap<string, CaPv> =
    pvs instanceof Map ? pvs : new Map(Object.entries(pvs as Record<string, CaPv>));
  return { resolve: (name) => table.get(name) };
}
