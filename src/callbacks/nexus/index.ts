export type { ColumnKind } from "./columns.js";
export { columnKind } from "./columns.js";
export { NEXUS_DATA_GROUP, NexusWriter } from "./nexus-writer.js";
export { loadHdf5 } from "./hdf5.js";
export { NEXUS_INSTRUMENT_GROUP } from "./instrument.js";
