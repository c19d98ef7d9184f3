import { modbusBench } from "./bench/modbus.bench.js";
await modbusBench();
