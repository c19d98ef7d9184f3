// `npm run bench`: every benchmark, each printing its figures against a baseline of the same run.
import { simBench } from "./sim.bench.js";

console.log("# simulator and virtual clock\n");
await simBench();
