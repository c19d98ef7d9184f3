// Channel Access: the sans-I/O codec, the environment, and the server.
export * from "./codec/index.js";
export * from "./env.js";
export * from "./server/index.js";
export * from "./client/index.js";
