export { CatalogFileError, CatalogLookupError } from "./errors.js";
export type {
  MetadataCondition,
  OpenCatalogOptions,
  RunEntry,
  RunFilePaths,
  RunQuery,
  RunReference,
  StreamEntry,
} from "./run-catalog.js";
export { RunCatalog, parseReference } from "./run-catalog.js";
export type { CatalogWriterOptions } from "./catalog-writer.js";
export { CatalogWriter } from "./catalog-writer.js";
export type { ReindexReport } from "./reindex.js";
export { catalogFileName, reindexFolder } from "./reindex.js";
export type { StreamTable } from "./stream-table.js";
export { streamTable, tableAsCsv, tableAsJson } from "./stream-table.js";
