// The server's second public entry: the shapes of what it sends and takes, for clients.
// It loads neither the queue's database nor the HTTP server, as index.ts does.
export * from "./queue/wire-schemas.js";
export type { ManagerState, ManagerStatus } from "./manager/manager-status.js";
