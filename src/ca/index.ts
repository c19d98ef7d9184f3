// Channel Access: the sans-I/O codec, the environment, the server, the client and the
// repeater.
export * from "./codec/index.js";
export * from "./env.js";
export * from "./server/index.js";
export * from "./client/index.js";
export type { CaRepeaterOptions } from "./repeater.js";
export { CaRepeater } from "./repeater.js";
export * from "./signal/index.js";
