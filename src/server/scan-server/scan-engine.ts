/**
 * What the Scan Server face needs of the server's one RunEngine: run a scan as the plan
 * item `scan_server_commands` (built where the devices are) when the engine is free, talk
 * with it while it runs, pass pause, resume and abort on, and ask about the devices.
 */
import type { NamedDocument } from "../../core/index.ts";
import type { JsonValue } from "../json-value.ts";

/** How a scan's plan ended. */
export type ScanRunEnd =
  | { readonly status: "finished" }
  | { readonly status: "aborted"; readonly message: string }
  | { readonly status: "failed"; readonly message: string };

/** Who follows a scan's run: its documents and what its plan sends. */
export interface ScanRunListener {
  document(...document: NamedDocument): void;
  message(message: JsonValue): void;
}

/** A scan's run once started. */
export interface ScanRun {
  /** Settles when the plan has ended. */
  readonly ended: Promise<ScanRunEnd>;
  /** Sends `message` to the running plan. */
  send(message: JsonValue): void;
}

export interface ScanEngine {
  /** Whether a plan may start now. */
  readonly free: boolean;
  /**
   * Runs the item `scan_server_commands` with `kwargs`. Throws at once when it cannot
   * start; `listener` gets the run's documents and messages until it has ended.
   */
  start(kwargs: Record<string, JsonValue>, listener: ScanRunListener): ScanRun;
  /** Pauses the running plan; resolves once the engine has come to rest. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  abort(): Promise<void>;
  /** Calls `listener` whenever the engine may have become free; returns how to stop. */
  onFree(listener: () => void): () => void;
  /**
   * Asks the environment where the devices are (a simulation, device values); see
   * scanQuerySchema.
   */
  query(request: JsonValue): Promise<JsonValue>;
}

/**
 * How a run ended, from its stop document, else from how its item ended. A plan that
 * closed no run and failed in no way finished.
 */
export function runEnd(
  stop: { exit_status: string; reason?: string } | undefined,
  outcome?: { exit_status: string; msg: string },
): ScanRunEnd {
  if (stop !== undefined) {
    if (stop.exit_status === "success") return { status: "finished" };
    const message = stop.reason ?? "";
    if (stop.exit_status === "abort") return { status: "aborted", message };
    return { status: "failed", message };
  }
  if (outcome === undefined || outcome.exit_status === "completed") return { status: "finished" };
  if (outcome.exit_status === "aborted" || outcome.exit_status === "halted") {
    return { status: "aborted", message: outcome.msg };
  }
  return { status: "failed", message: outcome.msg };
}
