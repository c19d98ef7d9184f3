// The server's messages and items carry JSON values, as core defines them.
export type { JsonValue } from "../core/index.js";
