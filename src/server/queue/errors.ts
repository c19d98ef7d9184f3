import { HilError } from "../../core/index.js";

/** A queue, history, lock or API-key request that cannot be carried out; nothing changed. */
export class QueueError extends HilError {
  constructor(message: string) {
    super("HIL_QUEUE", message);
  }
}

/** The queue or the environment is locked and the request did not carry the lock key. */
export class QueueLockedError extends HilError {
  constructor(what: "queue" | "environment", holder: string) {
    super("HIL_QUEUE_LOCKED", `the ${what} is locked by ${holder}; give the lock key`);
  }
}

/** A value read back from the queue database does not have the shape it was written with. */
export class QueueDataError extends HilError {
  constructor(where: string, detail: string) {
    super("HIL_QUEUE_DATA", `queue database: ${where} is malformed: ${detail}`);
  }
}
