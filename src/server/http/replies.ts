import { QueueError, QueueLockedError } from "../queue/index.js";

/** Every reply carries `success` and `msg` ("" on success), as the queue server's do. */
export type ApiReply = { success: boolean; msg: string } & { [field: string]: unknown };

export function ok(fields: { [field: string]: unknown } = {}): ApiReply {
  return { success: true, msg: "", ...fields };
}

export function failed(msg: string, fields: { [field: string]: unknown } = {}): ApiReply {
  return { ...fields, success: false, msg };
}

/**
 * A refusal by the queue (unknown uid, lock held, bad position) is a normal reply with
 * `success: false`, as the httpserver passes the manager's refusals on; anything else
 * is a server fault.
 */
export function refusal(error: unknown): ApiReply | undefined {
  if (error instanceof QueueError || error instanceof QueueLockedError) {
    return failed(error.message);
  }
  return undefined;
}
