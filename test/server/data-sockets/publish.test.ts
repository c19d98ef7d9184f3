// A config's sockets: section served from simulated devices on a virtual clock.
import { createSocket } from "node:dgram";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildDevices, loadConfig } from "../../../src/config/index.js";
import type { Motor } from "../../../src/core/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import {
  DataSockets,
  type PyValue,
  UnknownSignalError,
  pyRepr,
} from "../../../src/server/data-sockets/index.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function beamlineOf(sockets: string) {
  const dir = await mkdtemp(join(tmpdir(), "hil-data-sockets-"));
  const file = join(dir, "beamline.yaml");
  await writeFile(
    file,
    `devices:
  m1: { driver: sim.motor, limits: [-10, 10] }
  det: { driver: sim.detector, peak: { motors: [m1], centre: 0, sigma: 1, amplitude: 100, background: 0 } }
sockets:
${sockets}`,
  );
  const config = await loadConfig(file);
  const clock = new VirtualClock({ start: 1000, auto: false });
  const beamline = await buildDevices(config, { clock, seed: 0 });
  cleanups.push(() => beamline.close());
  return { beamline, clock, config };
}

describe("DataSockets", () => {
  it("publishes device signals on a pull socket every period, read on the device clock", async () => {
    const { beamline, clock, config } = await beamlineOf(`  moon:
    type: date
    port: 0
    period: 2
    timeout: 5
    codenames: { position: m1, velocity: m1_velocity }
`);
    const sockets = await DataSockets.serve(beamline, config.sockets!, {
      systemStatus: () => new Map(),
    });
    cleanups.push(() => sockets.close());
    const [moon] = sockets.sockets;
    expect(moon!.host).toBe("127.0.0.1");
    expect(moon!.port).toBeGreaterThan(0);
    await clock.advance(0);
    expect(moon!.core.reply("raw_wn")).toMatch(
      /^position:1000\.0,0\.0;velocity:1000\.0,\d+(\.\d+)?$/,
    );
    const moved = (beamline.get("m1") as Motor).set(3);
    await clock.advance(10);
    await moved;
    expect(moon!.core.reply("position#raw")).toBe("1010.0,3.0");
    expect(moon!.core.reply("position#json")).toBe("[1010.0, 3.0]");
    await sockets.close();
    await clock.advance(5);
    expect(moon!.core.reply("position#raw")).toBe("1010.0,3.0");
    await clock.advance(0.5);
    expect(moon!.core.reply("position#raw")).toBe("OLD_DATA");
  });

  it("reports pushed dicts and sends a live socket's datagrams to its live server", async () => {
    const server = createSocket("udp4");
    await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const datagram = new Promise<string>((resolve) =>
      server.once("message", (message) => resolve(message.toString("utf8"))),
    );
    const { beamline, clock, config } = await beamlineOf(`  pushed: { type: push, port: 0 }
  live:
    type: live
    port: 0
    codenames: { m1: m1 }
    liveServer: { host: 127.0.0.1, port: ${server.address().port} }
`);
    const pushed: string[] = [];
    const sockets = await DataSockets.serve(beamline, config.sockets!, {
      hostname: "vm",
      onPush: (socket, data: ReadonlyMap<string, PyValue>) =>
        pushed.push(`${socket.key} ${pyRepr(data)}`),
    });
    cleanups.push(() => sockets.close());
    await clock.advance(0);
    expect(await datagram).toBe('{"host": "vm", "data": {"m1": [1000.0, 0.0]}}');
    const [push, live] = sockets.sockets;
    expect(live!.core.reply("m1#raw")).toBe("1000.0,0.0");
    expect(live!.core.type).toBe("data");
    expect(push!.core.reply("raw_wn#a:int:1")).toBe("ACK#{'a': 1}");
    expect(pushed).toEqual(["pushed {'a': 1}"]);
  });

  it("holds one timer per polled socket however many periods pass, and none once closed", async () => {
    const { beamline, clock, config } =
      await beamlineOf(`  moon: { type: date, port: 0, period: 1, codenames: { x: m1 } }
  sun: { type: data, port: 0, period: 0.5, codenames: { y: det } }
  pushed: { type: push, port: 0 }
`);
    const sockets = await DataSockets.serve(beamline, config.sockets!, {
      systemStatus: () => new Map(),
    });
    cleanups.push(() => sockets.close());
    const timersBefore = clock.pendingTimers;
    for (let i = 0; i < 200; i++) await clock.advance(0.5);
    const [moon, sun] = sockets.sockets;
    expect(moon!.core.reply("x#raw")).toBe("1100.0,0.0");
    expect(sun!.core.reply("y#raw")).toMatch(/^1100\.0,/);
    expect(sockets.pendingReads).toBe(2);
    expect(clock.pendingTimers).toBe(timersBefore);
    await sockets.close();
    expect(sockets.pendingReads).toBe(0);
    expect(clock.pendingTimers).toBe(timersBefore - 2);
  });

  it("refuses a signal its device does not read, naming the ones it does", async () => {
    const { beamline, config } =
      await beamlineOf(`  moon: { type: date, port: 0, codenames: { x: m1_nothing } }
`);
    const serving = DataSockets.serve(beamline, config.sockets!);
    await expect(serving).rejects.toBeInstanceOf(UnknownSignalError);
    await expect(serving).rejects.toThrow(
      /^socket "moon": device m1 has no signal "m1_nothing" \(its signals: m1, .*m1_velocity/,
    );
  });
});
