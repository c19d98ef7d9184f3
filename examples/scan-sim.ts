// A 21-point scan of a Gaussian detector over a simulated motor on the virtual clock. Every
// document goes to stdout as one `[name, doc]` JSON line, as bluesky's JSONL serializer
// writes them, and nothing else does: pipe it into a file or a Python reader.
import { VirtualClock } from "../src/core/index.js";
import { RunEngine } from "../src/engine/index.js";
import { scan } from "../src/plans/index.js";
import { SimDetector, SimMotor } from "../sim/index.js";

const clock = new VirtualClock({ start: Date.UTC(2026, 0, 1) / 1000 });
const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 8, limits: [-10, 10] });
const det = new SimDetector({
  name: "det",
  clock,
  seed: 1,
  exposure: 0.1,
  peak: { motors: [m1], centre: 0.25, sigma: 0.3, amplitude: 10_000, background: 100 },
});

const re = new RunEngine({ clock, md: { beamline: "sim", operator: "example" } });
re.subscribe((name, doc) => void process.stdout.write(`${JSON.stringify([name, doc])}\n`));
await re.run(scan([det], m1, -1, 1, 21));
