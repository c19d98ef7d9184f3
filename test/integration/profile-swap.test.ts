// "Swap in real controllers at the beamline": the same plan and config on the sim twin and
// on the SMC100 driver talking to its emulator over a real pty pair, only the profile changed.
import { describe, expect, it } from "vitest";
import type { Movable, NamedDocument, Readable } from "../../src/core/index.js";
import { VirtualClock, realClock } from "../../src/core/index.js";
import { loadBeamline } from "../../src/config/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { scan } from "../../src/plans/index.js";
import { SerialTransport } from "../../src/transports/index.js";
import { Smc100Emulator } from "../../sim/index.js";
import { socat } from "../support/peers.js";
import { ptyPair } from "../support/pty-pair.js";

const config = "test/integration/fixtures/smc100-stand.yaml";

async function positions(profile: "sim" | "real", port: string): Promise<number[]> {
  const clock = profile === "sim" ? new VirtualClock() : realClock;
  const env = { ...process.env, HIL_TEST_SMC100_PORT: port };
  const beamline = await loadBeamline(config, { profile, clock, env });
  try {
    const docs: NamedDocument[] = [];
    const m1 = beamline.get("m1") as unknown as Movable<number> & Readable;
    await new RunEngine({ clock }).run(
      scan([beamline.get("i0")], m1, -0.4, 0.4, 5),
      (...doc) => void docs.push(doc),
    );
    expect(docs.at(-1)).toMatchObject(["stop", { exit_status: "success" }]);
    return docs.flatMap(([name, doc]) => (name === "event" ? [doc.data.m1 as number] : []));
  } finally {
    await beamline.close();
  }
}

describe.skipIf(!socat().available)("one plan, two profiles", () => {
  it("reads the same positions from the sim twin and from the SMC100 over a pty", async () => {
    const pty = await ptyPair();
    const emulator = new Smc100Emulator({
      transport: new SerialTransport({ path: pty.b, baudRate: 57600 }),
    });
    await emulator.start();
    try {
      const simulated = await positions("sim", pty.a);
      const real = await positions("real", pty.a);
      // The controller reports 6 decimals; +0 folds a "-0" away.
      const micro = (xs: number[]): number[] => xs.map((x) => Number(x.toFixed(6)) + 0);
      expect(micro(simulated)).toEqual([-0.4, -0.2, 0, 0.2, 0.4]);
      expect(micro(real)).toEqual(micro(simulated));
    } finally {
      await emulator.close();
      await pty.kill();
    }
  });
});
