// Channel Access: for now the sans-I/O codec; the client and server shells come next.
export * from "./codec/index.js";
export * from "./client/index.js";
