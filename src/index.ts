// The public API of the package.
export * from "./core/index.js";
export * from "../sim/index.js";
