import { HilError } from "../core/index.js";

/** Thrown into a plan when the engine is asked to stop: its cleanup runs, the run succeeds. */
export class RequestStop extends HilError {
  constructor() {
    super("HIL_REQUEST_STOP", "the run was stopped");
  }
}

/** Thrown into a plan when the engine is asked to abort: its cleanup runs, the run aborts. */
export class RequestAbort extends HilError {
  constructor(reason: string) {
    super("HIL_REQUEST_ABORT", reason);
  }
}

/** What run() rejects with after abort() or halt(); the documents already made stand. */
export class RunInterruptedError extends HilError {
  readonly uids: readonly string[];

  constructor(how: "aborted" | "halted", reason: string, uids: readonly string[]) {
    super(`HIL_RUN_${how.toUpperCase()}`, `the run was ${how}: ${reason}`);
    this.uids = uids;
  }
}

/** A lossless subscriber raised: the run ends with exit_status fail. */
export class SubscriberError extends HilError {
  constructor(subscriber: string, document: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(
      "HIL_SUBSCRIBER",
      `subscriber ${subscriber} failed on a ${document} document: ${message}`,
      {
        cause,
      },
    );
  }
}

/** A plan sent a message that makes no sense where it stands (read outside a bundle, ...). */
export class PlanProtocolError extends HilError {
  constructor(message: string) {
    super("HIL_PLAN_PROTOCOL", message);
  }
}

/** run() while the engine is busy, resume() while not paused, ... */
export class EngineStateError extends HilError {
  constructor(message: string) {
    super("HIL_ENGINE_STATE", message);
  }
}
