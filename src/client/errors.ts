import { HilError } from "../core/index.js";

/**
 * The queue server refused a request (`success: false`, or HTTP 401, 403, 404, 422, 500),
 * could not be reached, or answered with something that is not its reply.
 */
export class QueueClientError extends HilError {
  /** The HTTP status code, or undefined when no HTTP answer came. */
  readonly status: number | undefined;
  /** The server's reply as it came, when there was one. */
  readonly reply: unknown;

  constructor(message: string, status?: number, reply?: unknown, options?: ErrorOptions) {
    super("HIL_QUEUE_CLIENT", message, options);
    this.status = status;
    this.reply = reply;
  }
}
