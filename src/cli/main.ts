// `hil`: for now, one demonstration move-and-count over the simulated beamline.
import { VirtualClock } from "../core/index.js";
import { SimDetector, SimMotor } from "../../sim/index.js";

async function demo(): Promise<void> {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock, position: -2, velocity: 2, acceleration: 8 });
  const det = new SimDetector({
    name: "det",
    clock,
    seed: 1,
    exposure: 0.1,
    peak: { motors: [m1], centre: 0.3, sigma: 0.5, amplitude: 10_000, background: 100 },
  });
  console.log("Simulated beamline: m1 stepped across det's peak on a virtual clock");
  console.log(` ${"time/s".padStart(8)} ${"m1/mm".padStart(8)} ${"det".padStart(8)}`);
  for (let i = 0; i <= 20; i++) {
    await m1.set(-2 + (4 * i) / 20);
    await det.trigger();
    const [position, counts] = [await m1.readback.get(), await det.value.get()];
    console.log(
      ` ${clock.now().toFixed(3).padStart(8)} ${position.toFixed(3).padStart(8)} ${String(counts).padStart(8)}`,
    );
  }
}

const args = process.argv.slice(2);
if (args.length > 0) {
  console.error(`hil: unknown arguments: ${args.join(" ")}`);
  process.exit(2);
}
await demo();
