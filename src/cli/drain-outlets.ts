// The end of a command that sent documents out (hil run, hil serve): wait for the outlets,
// let Ctrl-C cut the wait short, and end the process even if a peer's connection lingers.
import type { DocumentOutlets, OutletStatus } from "../callbacks/index.js";

/** Seconds a finishing command waits for its outlets to send what they hold. */
const DRAIN_SECONDS = 10;
/** A broker that never answers keeps kafkajs's timers alive: the process ends regardless. */
const LINGER_MS = 2000;

/** Until the returned function is called, Ctrl-C or SIGTERM closes the outlets at once (a lossless one spools what it holds). */
export function closeOnSignal(outlets: DocumentOutlets): () => void {
  const close = (): void => void outlets.close();
  process.on("SIGINT", close);
  process.on("SIGTERM", close);
  return () => {
    process.off("SIGINT", close);
    process.off("SIGTERM", close);
  };
}

/** Waits for the outlets (saying how many documents wait), closes them, and returns their final state. */
export async function drainOutlets(
  outlets: DocumentOutlets,
  note: (text: string) => void,
): Promise<OutletStatus[]> {
  const release = closeOnSignal(outlets);
  const waiting = outlets.status().reduce((sum, outlet) => sum + outlet.pending, 0);
  if (waiting > 0) note(`sending ${waiting} documents still waiting for their outlets…`);
  try {
    return await outlets.finish(DRAIN_SECONDS);
  } finally {
    release();
    if (!outlets.empty) setTimeout(() => process.exit(), LINGER_MS).unref();
  }
}
