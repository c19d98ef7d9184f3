// PyExpLabSys's UDP data sockets, answered byte for byte: sans-I/O cores (socket-core.ts,
// push-socket-core.ts) over Python's value formatting (python-values.ts), and thin UDP
// shells (udp.ts).
export * from "./python-values.js";
export * from "./socket-core.js";
export * from "./push-socket-core.js";
export * from "./udp.js";
export * from "./publish.js";
