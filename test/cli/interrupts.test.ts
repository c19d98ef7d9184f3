// Ctrl-C at the terminal, in every state where a run holds hardware. SIGINT is emitted on
// the process object, which calls the handler as the signal would, without signalling.
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { InterruptHandler } from "../../src/cli/interrupts.js";
import { Terminal } from "../../src/cli/terminal.js";
import { RunEngine } from "../../src/engine/index.js";
import { beamline, collector, rawScan, stopOf, suspendedScan, until } from "../engine/fixtures.js";

const uninstalls: Array<() => void> = [];
afterEach(() => uninstalls.splice(0).forEach((uninstall) => uninstall()));

function rig() {
  const { clock, m1, det } = beamline();
  const input = new PassThrough();
  const err = new PassThrough();
  let notes = "";
  err.on("data", (chunk: Buffer) => (notes += chunk.toString()));
  const terminal = new Terminal({
    out: new PassThrough() as unknown as NodeJS.WriteStream,
    err: err as unknown as NodeJS.WriteStream,
  });
  const handler = new InterruptHandler(terminal, input);
  const re = new RunEngine({ clock, stateHook: handler.onState, log: () => undefined });
  uninstalls.push(handler.install(re));
  return { clock, m1, det, re, input, notes: () => notes };
}

describe("Ctrl-C", () => {
  it("while suspended pauses at once and offers stop, abort and halt", async () => {
    const { re, input, notes, ...devices } = rig();
    const { docs, callback } = collector();
    const { running } = await suspendedScan(re, devices, callback);
    process.emit("SIGINT");
    await until(re, "paused");
    expect(notes()).toContain("Suspended: pausing now.");
    expect(notes()).toContain("Type resume, stop, abort, halt");
    input.write("abort\n");
    await expect(running).rejects.toThrow("aborted at the pause prompt");
    expect(stopOf(docs).exit_status).toBe("abort");
  });

  it("twice while the run ends through a long cleanup halts it", async () => {
    const { clock, m1, det, re, notes } = rig();
    const { docs, callback } = collector();
    const longCleanup = [{ command: "sleep", seconds: 1000 } as const];
    const running = re.run(rawScan([det], m1, -1, 1, 21, longCleanup), callback);
    await clock.sleep(1);
    re.abort("enough");
    await until(re, "aborting");
    process.emit("SIGINT");
    expect(notes()).toContain("Press Ctrl-C again to halt.");
    expect(re.state).toBe("aborting");
    process.emit("SIGINT");
    await expect(running).rejects.toThrow("the run was halted");
    expect(stopOf(docs).exit_status).toBe("abort");
  });
});
