import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Movable, NamedDocument } from "../../../src/core/index.js";
import { scanItemKwargs, type ScanService } from "../../../src/server/scan-server/index.js";
import { scanServerSim, type ScanServerSim } from "../support/scan-server-sim.js";

const loopScan = `<commands>
  <comment><text>start</text></comment>
  <loop>
    <device>m1</device><start>-1</start><end>1</end><step>1</step>
    <completion>true</completion><wait>false</wait>
    <body><log><devices><device>det</device><device>m1</device></devices></log></body>
  </loop>
</commands>`;

/** A scan that waits at address 2 until m2 reaches 0.5, then logs m2 and delays. */
const gatedScan = `<commands>
  <set><device>m2</device><value>0</value><completion>true</completion><wait>false</wait></set>
  <comment><text>gate next</text></comment>
  <wait><device>m2</device><value>0.5</value><comparison>AT_LEAST</comparison></wait>
  <log><devices><device>m2</device></devices></log>
  <delay><seconds>2</seconds></delay>
</commands>`;

/** Resolves once `test` holds, checked at every change the service reports. */
function until(service: ScanService, test: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (test()) return resolve();
    const stop = service.subscribe(() => {
      if (!test()) return;
      stop();
      resolve();
    });
  });
}

let sim: ScanServerSim | undefined;
let folder: string | undefined;
afterEach(async () => {
  await sim?.cleanup();
  sim = undefined;
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

describe("ScanService over the sim beamline", () => {
  it("runs a loop as one run whose events are the logged samples", async () => {
    sim = await scanServerSim();
    const starts: Record<string, unknown>[] = [];
    sim.manager.subscribe((event) => {
      if (event.kind === "environment" && event.event.kind === "document") {
        const document = event.event.document as NamedDocument;
        if (document[0] === "start") starts.push(document[1]);
      }
    });
    const id = await sim.service.submit(loopScan, "Loop scan");
    expect(id).toBe(1);
    await sim.service.idle();
    const info = sim.service.info(id);
    expect(info).toMatchObject({
      id: 1,
      name: "Loop scan",
      state: "Finished",
      totalWorkUnits: 4,
      performedWorkUnits: 4,
      address: -1,
      command: "- end -",
    });
    expect(info.runtime).toBeGreaterThan(0);
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({
      scan_server_id: 1,
      scan_name: "Loop scan",
      plan_name: "scan_server_commands",
    });
    const data = sim.service.data(id);
    expect(Object.keys(data).sort()).toEqual(["det", "m1"]);
    expect(data.m1!.map((s) => s.value)).toEqual([-1, 0, 1]);
    expect(data.m1!.map((s) => s.serial)).toEqual([0, 1, 2]);
    expect(data.det!.map((s) => s.serial)).toEqual([0, 1, 2]);
    expect(data.det!.every((s) => typeof s.value === "number" && s.value > 0)).toBe(true);
    expect(sim.service.lastSerial(id)).toBe(2);
  });

  it("keeps counting ids across services with an id file", async () => {
    folder = mkdtempSync(join(tmpdir(), "scan-ids-"));
    const idFile = join(folder, "last-id");
    sim = await scanServerSim({ idFile });
    const comment = "<commands><comment><text>x</text></comment></commands>";
    expect(await sim.service.submit(comment, "a")).toBe(1);
    expect(await sim.service.submit(comment, "b")).toBe(2);
    await sim.service.idle();
    await sim.cleanup();
    sim = await scanServerSim({ idFile });
    expect(await sim.service.submit(comment, "c")).toBe(3);
    await sim.service.idle();
  });

  it("aborts a scan past its timeout, and one whose deadline has passed at once", async () => {
    sim = await scanServerSim();
    const { service } = sim;
    const slow =
      "<commands><delay><seconds>5</seconds></delay><comment><text>late</text></comment></commands>";
    const timed = await service.submit(slow, "timed", { timeout: 2 });
    await service.idle();
    expect(service.info(timed)).toMatchObject({
      state: "Aborted",
      error: "Aborted (deadline/timeout)",
    });
    const stale = await service.submit(slow, "stale", { deadline: sim.clock.now() * 1000 - 1 });
    expect(service.info(stale)).toMatchObject({
      state: "Aborted",
      error: "Aborted (stale deadline)",
    });
    const inTime = await service.submit(slow, "in time", { timeout: 60 });
    await service.idle();
    expect(service.info(inTime).state).toBe("Finished");
  });

  it("refuses a script naming it and its address, and an include without a folder", async () => {
    sim = await scanServerSim();
    await expect(
      sim.service.submit(
        "<commands><comment><text>x</text></comment><script><path>Align</path></script></commands>",
        "s",
      ),
    ).rejects.toThrow(/Script command 'Align' is refused.*address 1/);
    await expect(
      sim.service.submit(
        "<commands><include><scan_file>a.scn</scan_file></include></commands>",
        "s",
      ),
    ).rejects.toThrow(/Include 'a.scn' is refused: no folder of scan files is configured/);
    expect(sim.service.infos()).toEqual([]);
  });

  it("includes a scan file of the folder with its macros", async () => {
    folder = mkdtempSync(join(tmpdir(), "scan-files-"));
    writeFileSync(
      join(folder, "move.scn"),
      "<commands><set><device>m1</device><value>$(pos)</value><completion>true</completion><wait>false</wait></set>" +
        "<log><devices><device>m1</device></devices></log></commands>",
    );
    sim = await scanServerSim({ scanFolder: folder });
    await expect(
      sim.service.submit(
        "<commands><include><scan_file>../x.scn</scan_file></include></commands>",
        "s",
      ),
    ).rejects.toThrow(/outside the folder/);
    const id = await sim.service.submit(
      "<commands><include><scan_file>move.scn</scan_file><macros>pos=0.5</macros></include></commands>",
      "inc",
    );
    await sim.service.idle();
    expect(sim.service.info(id)).toMatchObject({ state: "Finished", totalWorkUnits: 2 });
    expect(sim.service.data(id).m1!.map((s) => s.value)).toEqual([0.5]);
  });

  it("patches what has not run, refuses what has, pauses and resumes at a wait", async () => {
    sim = await scanServerSim();
    const { service } = sim;
    const id = await service.submit(gatedScan, "gated");
    await until(service, () => service.info(id).address === 2);
    expect(() =>
      service.patch(
        id,
        "<patch><address>0</address><property>value</property><value>3</value></patch>",
      ),
    ).toThrow(/Command at address 0 has already run/);
    service.patch(
      id,
      "<patch><address>4</address><property>seconds</property><value>5</value></patch>",
    );
    await service.pause(id);
    expect(service.info(id).state).toBe("Paused");
    await service.resume(id);
    expect(service.info(id).state).toBe("Running");
    const m2 = sim.device<Movable<number>>("m2");
    await m2.set(1);
    await service.idle();
    const info = service.info(id);
    expect(info.state).toBe("Finished");
    const data = service.data(id);
    expect(data.m2![0]!.value).toBeGreaterThanOrEqual(0.5);
    const commands = service.commands(id);
    expect(commands[4]).toMatchObject({ type: "delay", seconds: 5 });
  });

  it("waits while another face's plan holds the engine, then starts", async () => {
    sim = await scanServerSim();
    const { service, engine, manager } = sim;
    let atGate!: () => void;
    const gate = new Promise<void>((resolve) => (atGate = resolve));
    const item = manager.executeItem(
      {
        item_type: "plan",
        name: "scan_server_commands",
        kwargs: scanItemKwargs({
          id: 0,
          name: "other face",
          commands: service.prepare(gatedScan).commands,
          included: () => [],
        }),
      },
      { user: "other face", user_group: "primary" },
    );
    manager.subscribe((event) => {
      if (event.kind !== "environment" || event.event.kind !== "item") return;
      if (event.event.item_uid !== item.item_uid) return;
      const message = event.event.message as { type: string; address?: number };
      if (message.type === "command" && message.address === 2) atGate();
    });
    const other = manager.idle();
    expect(engine.free).toBe(false);
    const id = await service.submit(loopScan, "after");
    expect(service.info(id).state).toBe("Idle");
    await gate;
    await sim.device<Movable<number>>("m2").set(1);
    await other;
    expect(sim.store.history.get().items.map((h) => [h.name, h.result.exit_status])).toEqual([
      ["scan_server_commands", "completed"],
    ]);
    await until(service, () => service.info(id).state === "Finished");
    expect(service.data(id).m1).toHaveLength(3);
  });

  it("aborts a paused scan", async () => {
    sim = await scanServerSim();
    const { service } = sim;
    const id = await service.submit(gatedScan, "gated");
    await until(service, () => service.info(id).address === 2);
    await service.pause(id);
    expect(service.info(id).state).toBe("Paused");
    await service.abort(id);
    await service.idle();
    expect(service.info(id)).toMatchObject({ state: "Aborted", error: "Aborted", address: -1 });
    expect(service.info(id).performedWorkUnits).toBe(2);
  });

  it("aborts an idle queued scan so it never starts, and a running one", async () => {
    sim = await scanServerSim();
    const { service } = sim;
    const first = await service.submit(gatedScan, "first");
    const second = await service.submit(loopScan, "second");
    expect(service.info(second).state).toBe("Idle");
    await service.abort(second);
    expect(service.info(second)).toMatchObject({ state: "Aborted", error: "Aborted" });
    await until(service, () => service.info(first).address === 2);
    await service.abort(first);
    await service.idle();
    expect(service.info(first)).toMatchObject({ state: "Aborted", error: "Aborted" });
    expect(service.infos().map((i) => i.id)).toEqual([2, 1]);
    service.clearCompleted();
    expect(service.infos()).toEqual([]);
  });
});
