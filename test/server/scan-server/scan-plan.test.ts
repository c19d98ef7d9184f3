import { afterEach, describe, expect, it } from "vitest";
import {
  formatDuration,
  loopValues,
  parseCommandsXml,
  type LoopCommand,
} from "../../../src/server/scan-server/index.js";
import { scanServerSim, type ScanServerSim } from "../support/scan-server-sim.js";

let sim: ScanServerSim | undefined;
afterEach(async () => {
  await sim?.cleanup();
  sim = undefined;
});

function loop(start: number, end: number, step: number): LoopCommand {
  const xml = `<commands><loop><device>m1</device><start>${start}</start><end>${end}</end><step>${step}</step></loop></commands>`;
  return parseCommandsXml(xml)[0] as LoopCommand;
}

async function run(xml: string) {
  const s = sim!.service;
  const id = await s.submit(`<commands>${xml}</commands>`, "t");
  await s.idle();
  return { info: s.info(id), data: s.data(id) };
}

async function value(name: string): Promise<unknown> {
  const readings = await sim!.devices().get(name).watched.read();
  return readings[name]!.value;
}

describe("loop values", () => {
  it("go from start to end clamped to the end, and turn around when the step disagrees", () => {
    expect(loopValues(loop(0, 1, 0.5))).toEqual([0, 0.5, 1]);
    expect(loopValues(loop(0, 1, 0.4)).map((v) => Math.round(v * 10) / 10)).toEqual([
      0, 0.4, 0.8, 1,
    ]);
    expect(loopValues(loop(2, 0, 1))).toEqual([2, 1, 0]);
    expect(loopValues(loop(0, 2, -1), 0)).toEqual([0, 1, 2]);
    expect(loopValues(loop(0, 2, -1), 1)).toEqual([2, 1, 0]);
  });
});

describe("simulation", () => {
  it("times moves from the motion model, delays and the timeouts of unmet waits", async () => {
    sim = await scanServerSim();
    const result = await sim.service.simulate(
      `<commands>
        <set><device>m1</device><value>5</value><completion>true</completion><wait>false</wait></set>
        <delay><seconds>1</seconds></delay>
        <wait><device>m2</device><value>3</value><comparison>ABOVE</comparison><timeout>60</timeout></wait>
        <comment><text>done</text></comment>
      </commands>`,
    );
    // 5 mm at 2 mm/s with 8 mm/s² ramps: 5/2 + 2/8 = 2.75 s.
    expect(result.seconds).toBeCloseTo(2.75 + 1 + 60, 6);
    expect(result.log).toBe(
      "Simulation:\n--------\n" +
        "00:00:00 - Set 'm1' = 5.0 with completion\n" +
        "00:00:02 - Delay 1.0 sec\n" +
        "00:00:03 - Wait for 'm2' > 3.0 (60.0 sec timeout)\n" +
        "00:01:03 - done\n" +
        "--------\n00:01:03   Total estimated execution time\n",
    );
    expect(formatDuration(3725.9)).toBe("01:02:05");
  });
});

describe("commands run as plans", () => {
  it("sets a signal by its name and waits for a readback", async () => {
    sim = await scanServerSim();
    const { info } = await run(
      `<set><device>m1_velocity</device><value>3</value><wait>false</wait></set>
       <set><device>m1</device><value>1</value><wait>true</wait><readback>m1</readback><tolerance>0.001</tolerance></set>`,
    );
    expect(info.state).toBe("Finished");
    expect(await value("m1_velocity")).toBe(3);
    expect(await value("m1")).toBeCloseTo(1, 3);
  });

  it("fails a wait that times out, naming the command and its address", async () => {
    sim = await scanServerSim();
    const { info } = await run(
      `<comment><text>c</text></comment>
       <wait><device>m2</device><value>3</value><comparison>ABOVE</comparison><timeout>2</timeout></wait>`,
    );
    expect(info.state).toBe("Failed");
    expect(info.error).toBe(
      "Wait for 'm2' > 3.0 (2.0 sec timeout) (address 1): timeout after 2.0 sec",
    );
  });

  it("fails on an unknown device", async () => {
    sim = await scanServerSim();
    const { info } = await run(`<set><device>nope</device><value>1</value></set>`);
    expect(info).toMatchObject({ state: "Failed" });
    expect(info.error).toContain("unknown device 'nope'");
  });

  it("logs every write's readback while ConfigLog is automatic", async () => {
    sim = await scanServerSim();
    const { data } = await run(
      `<config_log><automatic>true</automatic></config_log>
       <loop><device>m1</device><start>0</start><end>1</end><step>0.5</step><completion>true</completion><wait>false</wait><body/></loop>
       <config_log><automatic>false</automatic></config_log>
       <set><device>m1</device><value>0</value><completion>true</completion><wait>false</wait></set>`,
    );
    expect(data.m1!.map((s) => [s.serial, s.value])).toEqual([
      [0, 0],
      [1, 0.5],
      [2, 1],
    ]);
  });

  it("logs different sets of devices with one serial count", async () => {
    sim = await scanServerSim();
    const { info, data } = await run(
      `<log><devices><device>m1</device></devices></log>
       <log><devices><device>det</device><device>m2</device></devices></log>
       <log><devices><device>m1</device></devices></log>`,
    );
    expect(info.state).toBe("Finished");
    expect(data.m1!.map((s) => s.serial)).toEqual([0, 2]);
    expect(data.m2!.map((s) => s.serial)).toEqual([1]);
    expect(data.det!.map((s) => s.serial)).toEqual([1]);
  });

  it("runs an If's body only when its condition holds", async () => {
    sim = await scanServerSim();
    const { data } = await run(
      `<if><device>m1</device><comparison>ABOVE</comparison><value>0.5</value><body>
         <log><devices><device>m2</device></devices></log></body></if>
       <set><device>m1</device><value>1</value><completion>true</completion><wait>false</wait></set>
       <if><device>m1</device><comparison>ABOVE</comparison><value>0.5</value><body>
         <log><devices><device>m1</device></devices></log></body></if>`,
    );
    expect(Object.keys(data)).toEqual(["m1"]);
  });

  it("starts the sets of a Parallel together", async () => {
    sim = await scanServerSim();
    const started = sim.clock.now();
    const { info } = await run(
      `<parallel><body>
         <set><device>m1</device><value>4</value><completion>true</completion><wait>false</wait></set>
         <set><device>m2</device><value>2</value><completion>true</completion><wait>false</wait></set>
       </body></parallel>`,
    );
    expect(info).toMatchObject({ state: "Finished", totalWorkUnits: 3, performedWorkUnits: 3 });
    expect(await value("m1")).toBeCloseTo(4, 3);
    expect(await value("m2")).toBeCloseTo(2, 2);
    // m1 takes 2.25 s and m2 2.25 s: together, not one after the other.
    expect(sim.clock.now() - started).toBeLessThan(4);
  });
});
