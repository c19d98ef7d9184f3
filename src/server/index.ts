// The server layer: one RunEngine's remote faces. Their cores are free of sockets: the queue
// and history the queue server keeps (in SQLite), the dispatcher's websocket protocol, and
// the Scan Server's commands and XML. The queue's HTTP API is the first shell around a core.
export * from "./queue/index.js";
export * from "./dispatcher/index.js";
export * from "./scan-server/index.js";
export * from "./http/index.js";
export * from "./manager/index.js";
export * from "./web/index.js";
export * from "./data-sockets/index.js";
