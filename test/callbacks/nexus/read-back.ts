// Runs on the simulated beamline written through NexusWriter, and the files read back by
// Debian's h5py (read-nexus.py), for the NeXus tests.
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { NexusWriter } from "../../../src/callbacks/index.js";
import type { NamedDocument } from "../../../src/core/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import { loadBeamline } from "../../../src/config/index.js";
import { RunEngine } from "../../../src/engine/index.js";
import { baselineWrapper, buildPlanCall, builtinPlans } from "../../../src/plans/index.js";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "../../..");

export interface Item {
  kind?: "group" | "dataset";
  attrs?: Record<string, unknown>;
  shape?: number[];
  dtype?: string;
  maxshape?: Array<number | null> | null;
  chunks?: number[] | null;
  value?: unknown;
  sum?: number | null;
  /** A dataset's identity: equal for two names of one dataset (a hard link). */
  object?: number;
  /** An external link's file and path, a soft link's target (`<path>@link` items). */
  file?: string;
  path?: string;
  soft?: string;
}

/** Everything h5py sees in the file, by path; run from `cwd` (external links are relative). */
export function readWithH5py(path: string, cwd = tmpdir()): Record<string, Item> {
  const result = spawnSync("/usr/bin/python3", [join(here, "read-nexus.py"), path], {
    encoding: "utf8",
    timeout: 60_000,
    cwd,
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`h5py could not read ${path}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, Item>;
}

export function collect(): { docs: NamedDocument[]; callback: (...doc: NamedDocument) => void } {
  const docs: NamedDocument[] = [];
  return { docs, callback: (...doc) => void docs.push(doc) };
}

export function ofName<K extends NamedDocument[0]>(
  docs: NamedDocument[],
  name: K,
): Extract<NamedDocument, [K, unknown]>[1][] {
  return docs.flatMap(([n, doc]) => (n === name ? [doc] : [])) as never;
}

/** A column of the primary stream from its events and pages, in order. */
export function column(docs: NamedDocument[], descriptor: string, field: string): unknown[] {
  return docs.flatMap(([name, doc]) => {
    if (name === "event" && doc.descriptor === descriptor) return [doc.data[field]];
    if (name === "event_page" && doc.descriptor === descriptor) return doc.data[field] ?? [];
    return [];
  });
}

/**
 * Runs a built-in plan on config/sim-beamline.yaml, its documents written to `file`; with
 * `baseline`, the beamline's baseline devices are read before and after, as `hil run` does.
 */
export async function runOnSimBeamline(
  name: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
  file: string,
  { frames, baseline = false }: { frames: string; baseline?: boolean },
): Promise<NamedDocument[]> {
  const clock = new VirtualClock({ start: 1_700_000_000 });
  const beamline = await loadBeamline(join(root, "config/sim-beamline.yaml"), {
    clock,
    env: { HIL_FRAMES_DIR: frames },
  });
  const writer = new NexusWriter(file);
  const { docs, callback } = collect();
  const re = new RunEngine({ clock });
  const inner = buildPlanCall(builtinPlans, name, args as never, kwargs as never, beamline);
  const plan = baseline ? baselineWrapper(inner, beamline.withLabel("baseline")) : inner;
  await re.run(plan, (...doc) => {
    callback(...doc);
    return writer.callback(...doc);
  });
  expect(writer.open).toBe(false);
  return docs;
}
