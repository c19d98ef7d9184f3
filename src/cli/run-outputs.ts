import { mkdirSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { RunCallbacks } from "../callbacks/index.js";
import {
  CsvWriter,
  JsonlWriter,
  LiveTable,
  NexusWriter,
  PeakStats,
  PlotWriter,
  RunRouter,
} from "../callbacks/index.js";
import { CatalogWriter, RunCatalog, catalogFileName } from "../callbacks/index.js";
import type { DocumentCallback, RunStart } from "../core/index.js";
import { hasHints } from "../core/index.js";
import type { DeviceLookup } from "./plan-catalog.js";

/** Where a run's table, peak statistics and progress are shown: a Terminal, or a server's console. */
export interface RunReporter {
  line(text: string): void;
  setPoint(done: number, total: number | undefined): void;
}

/** The files one run was written to. */
export interface RunFiles {
  uid: string;
  jsonl: string;
  csv: string;
  plot: string;
  /** The run as NeXus/HDF5. */
  nexus: string;
}

/**
 * What a person sees of each run and what is kept of it: a LiveTable and the peak
 * statistics on the terminal, the documents as JSONL, the primary stream as CSV, the run as
 * NeXus/HDF5, a plot.
 */
export class RunOutputs {
  readonly files: RunFiles[] = [];
  readonly callback: DocumentCallback;
  /** Every run is also indexed here: `hil runs` finds it. */
  readonly catalog: RunCatalog;

  constructor(outDir: string, devices: DeviceLookup, terminal: RunReporter) {
    mkdirSync(outDir, { recursive: true });
    this.catalog = RunCatalog.open(join(outDir, catalogFileName));
    const router = new RunRouter([(_name, start) => this.forRun(start, outDir, devices, terminal)]);
    this.callback = router.callback;
  }

  /** Lets go of the catalog once no more runs will be written. */
  close(): void {
    this.catalog.close();
  }

  private forRun(
    start: RunStart,
    outDir: string,
    devices: DeviceLookup,
    terminal: RunReporter,
  ): RunCallbacks {
    const stem = join(
      outDir,
      `${start.scan_id ?? 0}-${start.plan_name ?? "run"}-${start.uid.slice(0, 8)}`,
    );
    const files: RunFiles = {
      uid: start.uid,
      jsonl: `${stem}.jsonl`,
      csv: `${stem}.csv`,
      plot: `${stem}.svg`,
      nexus: `${stem}.nxs`,
    };
    this.files.push(files);
    const motorFields = (start.motors ?? []).flatMap((name) => hintedFields(devices, name));
    const detectorFields = (start.detectors ?? []).flatMap((name) => hintedFields(devices, name));
    const x = start.hints?.dimensions?.[0]?.[0]?.[0] ?? motorFields[0];
    const y = detectorFields[0];
    const line = (text: string): void => terminal.line(text);
    const callbacks: DocumentCallback[] = [
      new JsonlWriter(files.jsonl).callback,
      new CsvWriter(files.csv).callback,
      new NexusWriter(files.nexus).callback,
      new LiveTable([...motorFields, ...detectorFields], { out: line }).callback,
      pointCounter(terminal, start.num_points),
    ];
    if (x && y) {
      callbacks.push(new PeakStats(x, y, { out: line }).callback);
      callbacks.push(new PlotWriter(files.plot, { x, y }).callback);
    }
    // The files written, by extension and relative to the out folder, as a reindex finds them.
    const written = Object.entries(files).filter(
      ([kind]) => kind !== "uid" && (kind !== "plot" || (x && y)),
    );
    const catalogFiles = Object.fromEntries(
      written.map(([, path]) => [extname(path).slice(1), basename(path)]),
    );
    callbacks.push(new CatalogWriter(this.catalog, { files: catalogFiles, warn: line }).callback);
    return { callbacks };
  }
}

function hintedFields(devices: DeviceLookup, name: string): string[] {
  try {
    const device = devices.get(name);
    const fields = hasHints(device) ? device.hints.fields : [];
    return fields.length > 0 ? [...fields] : [name];
  } catch {
    return [name];
  }
}

/** Tells the terminal which point of the primary stream the scan is at. */
function pointCounter(terminal: RunReporter, total: number | undefined): DocumentCallback {
  let primary: string | undefined;
  return (name, doc) => {
    if (name === "descriptor" && doc.name === "primary") primary = doc.uid;
    if (name === "event" && doc.descriptor === primary) terminal.setPoint(doc.seq_num, total);
    if (name === "event_page" && doc.descriptor === primary) {
      const last = doc.seq_num.at(-1);
      if (last !== undefined) terminal.setPoint(last, total);
    }
  };
}
