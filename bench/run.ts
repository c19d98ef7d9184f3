// `npm run bench`: every benchmark, each printing its figures against a baseline or target.
import { caBench } from "./ca.bench.js";
import { engineBench } from "./engine.bench.js";
import { hdf5Bench } from "./hdf5.bench.js";
import { iocBench } from "./ioc.bench.js";
import { modbusBench } from "./modbus.bench.js";
import { scanCaBench } from "./scan-ca.bench.js";
import { serverBench } from "./server.bench.js";
import { simBench } from "./sim.bench.js";
import { transportsBench } from "./transports.bench.js";

console.log("# simulator and virtual clock\n");
await simBench();
console.log("\n# RunEngine\n");
await engineBench();
console.log("\n# transports: request/response round trips\n");
await transportsBench();
console.log("\n# Modbus TCP register reads\n");
await modbusBench();
console.log("\n# Channel Access over loopback\n");
await caBench();
console.log("\n# IOC beside EPICS base's softIoc: start-up, memory, 10 Hz scanning\n");
await iocBench();
console.log("\n# scans through Channel Access: served sim devices, and softIoc\n");
await scanCaBench();
console.log("\n# HDF5 frames: writer against raw writes, camera frames per second\n");
await hdf5Bench();
console.log("\n# queue server: operations over HTTP, add to start, document fan-out\n");
await serverBench();
