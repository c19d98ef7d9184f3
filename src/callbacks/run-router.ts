import type { DocumentCallback, EventDescriptor, NamedDocument, RunStart } from "../core/index.js";
import { CallbackBase } from "./callback-base.js";

/** Makes the callbacks of one stream of a run from its descriptor. */
export type DescriptorFactory = (name: "descriptor", doc: EventDescriptor) => DocumentCallback[];

/** What a RunFactory gives for a run. */
export interface RunCallbacks {
  /** Receive every document of the run. */
  callbacks: DocumentCallback[];
  /** Asked at each descriptor; their callbacks receive the start, that stream and the stop. */
  descriptorFactories?: DescriptorFactory[];
}

/** Makes the callbacks of one run from its start document. */
export type RunFactory = (name: "start", doc: RunStart) => RunCallbacks;

interface Run {
  start: RunStart;
  callbacks: DocumentCallback[];
  descriptorFactories: DescriptorFactory[];
  /** Callbacks from descriptor factories, all streams: they get the stop too. */
  streamCallbacks: DocumentCallback[];
  descriptors: string[];
}

type Pending = void | Promise<void>;

/** Calls callbacks in order; waits only if one returns a promise, so sync ones stay sync. */
function deliver(callbacks: readonly DocumentCallback[], document: NamedDocument): Pending {
  const pending = callbacks.map((callback) => callback(...document)).filter((r) => r);
  if (pending.length > 0) return Promise.all(pending).then(() => undefined);
}

/** Hands documents to one callback in turn, each after the one before has finished. */
function inTurn(callback: DocumentCallback, documents: readonly NamedDocument[]): Pending {
  for (const [i, document] of documents.entries()) {
    const result = callback(...document);
    if (result) {
      return result.then(() => inTurn(callback, documents.slice(i + 1)));
    }
  }
}

/**
 * Makes fresh callbacks for each run and routes that run's documents to them, as bluesky's
 * RunRouter: so a callback with per-run state never sees two interleaved runs. Documents of
 * runs whose start it did not see are ignored.
 */
export class RunRouter extends CallbackBase {
  private readonly factories: readonly RunFactory[];
  private readonly runs = new Map<string, Run>();
  /** Descriptor uid → its run and the callbacks made for that stream. */
  private readonly streams = new Map<string, { run: Run; callbacks: DocumentCallback[] }>();

  constructor(factories: readonly RunFactory[]) {
    super();
    this.factories = factories;
  }

  override call(...document: NamedDocument): Pending {
    const [name, doc] = document;
    switch (name) {
      case "start":
        return this.startRun(doc);
      case "descriptor":
        return this.startStream(doc);
      case "event":
      case "event_page":
      case "stream_datum": {
        const stream = this.streams.get(doc.descriptor);
        if (!stream) return;
        return deliver([...stream.run.callbacks, ...stream.callbacks], document);
      }
      case "stream_resource": {
        const run = this.runs.get(doc.run_start);
        if (!run) return;
        return deliver([...run.callbacks, ...run.streamCallbacks], document);
      }
      case "stop": {
        const run = this.runs.get(doc.run_start);
        if (!run) return;
        this.runs.delete(doc.run_start);
        for (const uid of run.descriptors) this.streams.delete(uid);
        return deliver([...run.callbacks, ...run.streamCallbacks], document);
      }
    }
  }

  private startRun(doc: RunStart): Pending {
    const run: Run = {
      start: doc,
      callbacks: [],
      descriptorFactories: [],
      streamCallbacks: [],
      descriptors: [],
    };
    for (const factory of this.factories) {
      const { callbacks, descriptorFactories = [] } = factory("start", doc);
      run.callbacks.push(...callbacks);
      run.descriptorFactories.push(...descriptorFactories);
    }
    this.runs.set(doc.uid, run);
    return deliver(run.callbacks, ["start", doc]);
  }

  private startStream(doc: EventDescriptor): Pending {
    const run = this.runs.get(doc.run_start);
    if (!run) return;
    const callbacks = run.descriptorFactories.flatMap((factory) => factory("descriptor", doc));
    run.streamCallbacks.push(...callbacks);
    run.descriptors.push(doc.uid);
    this.streams.set(doc.uid, { run, callbacks });
    // A stream's callbacks are born now, so they get the run's start before its descriptor.
    const pending = [
      deliver(run.callbacks, ["descriptor", doc]),
      ...callbacks.map((callback) =>
        inTurn(callback, [
          ["start", run.start],
          ["descriptor", doc],
        ]),
      ),
    ].filter((r) => r);
    if (pending.length > 0) return Promise.all(pending).then(() => undefined);
  }
}
