// The public API of the package: `import { RunEngine, SimMotor, scan } from "hil"`.
export * from "./core/index.js";
export * from "../sim/index.js";
export * from "./engine/index.js";
export * from "./plans/index.js";
export * from "./callbacks/index.js";
