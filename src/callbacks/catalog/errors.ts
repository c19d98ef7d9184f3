import { HilError } from "../../core/index.js";

/** A reference or query that finds no run, or more than one where one was asked for. */
export class CatalogLookupError extends HilError {
  constructor(message: string) {
    super("HIL_CATALOG_LOOKUP", message);
  }
}

/** A catalog file that cannot be opened or read. */
export class CatalogFileError extends HilError {
  constructor(message: string, options?: ErrorOptions) {
    super("HIL_CATALOG_FILE", message, options);
  }
}
