import { HilError } from "../core/index.js";

/** Bad arguments on the command line: the command exits with 2. */
export class UsageError extends HilError {
  constructor(message: string) {
    super("HIL_USAGE", message);
  }
}
