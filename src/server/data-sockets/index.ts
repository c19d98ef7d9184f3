// PyExpLabSys's UDP data sockets, answered byte for byte: sans-I/O cores (socket-core.ts)
// over Python's value formatting (python-values.ts).
export * from "./python-values.js";
export * from "./socket-core.js";
