/**
 * What the Scan Server face needs of the server's one RunEngine: start a ready-made plan
 * when the engine is free, pass pause, resume and abort on, and give the beamline's devices.
 */
import type { Device, NamedDocument, Plan } from "../../core/index.ts";

/** How a scan's plan ended. */
export type ScanRunEnd =
  | { readonly status: "finished" }
  | { readonly status: "aborted"; readonly message: string }
  | { readonly status: "failed"; readonly message: string };

export interface ScanLabel {
  readonly id: number;
  readonly name: string;
}

export interface ScanEngine {
  /** Whether a plan may start now. */
  readonly free: boolean;
  /**
   * Starts `plan` on the engine. Throws at once when it cannot start; otherwise the
   * promise settles when the plan has ended, and `onDocument` gets its documents meanwhile.
   */
  start(
    plan: Plan<unknown>,
    label: ScanLabel,
    onDocument: (...document: NamedDocument) => void,
  ): Promise<ScanRunEnd>;
  /** Pauses the running plan; resolves once the engine has come to rest. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  abort(): Promise<void>;
  /** Calls `listener` whenever the engine may have become free; returns how to stop. */
  onFree(listener: () => void): () => void;
  /** The beamline's devices, which scans name. */
  devices(): Iterable<Device>;
}

/**
 * How a run ended, from its stop document, else from what the plan raised. A plan that
 * raised nothing and closed no run finished.
 */
export function runEnd(
  stop: { exit_status: string; reason?: string } | undefined,
  raised?: unknown,
): ScanRunEnd {
  if (stop !== undefined) {
    if (stop.exit_status === "success") return { status: "finished" };
    const message = stop.reason ?? "";
    if (stop.exit_status === "abort") return { status: "aborted", message };
    return { status: "failed", message };
  }
  if (raised !== undefined) {
    return { status: "failed", message: raised instanceof Error ? raised.message : String(raised) };
  }
  return { status: "finished" };
}
