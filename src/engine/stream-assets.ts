import type { StreamAsset, StreamRange, WritesStreamAssets } from "../core/index.js";
import { PlanProtocolError } from "./errors.js";
import type { RunBundler, Stream } from "./run-bundler.js";

/** Which events a datum's frames (its `indices`) belong to. */
export type SeqNumsOf = (indices: StreamRange) => StreamRange;

/**
 * Sends the stream_resource and stream_datum documents of detectors that write frames to
 * files, adding what only the run knows: the run uid, the descriptor, the seq_nums.
 */
export class StreamAssets {
  private readonly bundler: RunBundler;
  /** Per detector: the uids of its stream_resource documents already sent. */
  private readonly resources = new Map<WritesStreamAssets, Set<string>>();

  constructor(bundler: RunBundler) {
    this.bundler = bundler;
  }

  async send(
    obj: WritesStreamAssets,
    assets: readonly StreamAsset[],
    stream: Stream,
    seqNumsOf: SeqNumsOf,
  ): Promise<void> {
    let sent = this.resources.get(obj);
    if (!sent) this.resources.set(obj, (sent = new Set()));
    for (const [name, doc] of assets) {
      if (name === "stream_resource") {
        sent.add(doc.uid);
        await this.bundler.send(name, { ...doc, run_start: this.bundler.runUid });
        continue;
      }
      if (!sent.has(doc.stream_resource)) {
        throw new PlanProtocolError(
          `${obj.name} sent a stream_datum of resource ${doc.stream_resource} before the resource`,
        );
      }
      await this.bundler.send(name, {
        ...doc,
        descriptor: stream.descriptor.uid,
        seq_nums: seqNumsOf(doc.indices),
      });
    }
  }
}
