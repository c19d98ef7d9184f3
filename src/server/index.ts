// The server layer: one RunEngine's remote faces. So far their cores, each free of sockets:
// the queue and history the queue server keeps (in SQLite), the dispatcher's websocket
// protocol, and the Scan Server's commands and XML.
export * from "./queue/index.js";
export * from "./dispatcher/index.js";
export * from "./scan-server/index.js";
