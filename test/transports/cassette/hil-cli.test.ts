// `hil record` and `hil replay` as functions (src/cli/hil-record.ts, hil-replay.ts): a config
// names a real SMC100 on TCP and a real Eurotherm on Modbus TCP, both emulators here; the
// recording is replayed without them. (Belongs in test/cli/ once the commands are wired.)
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HilError } from "../../../src/core/index.js";
import type { ByteTransport } from "../../../src/transports/index.js";
import { CassetteFormatError, loadCassette } from "../../../src/transports/index.js";
import { UnknownDeviceError } from "../../../src/config/index.js";
import { Eurotherm3200Emulator, Smc100Emulator } from "../../../sim/index.js";
import { recordCommand } from "../../../src/cli/hil-record.js";
import { replayCommand } from "../../../src/cli/hil-replay.js";
import { SMC100_CASSETTE } from "./record-fixtures.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The server's end of a TCP connection as a ByteTransport, for an emulator. */
function socketEnd(socket: Socket): ByteTransport {
  return {
    name: "tcp-server",
    get isOpen() {
      return !socket.destroyed;
    },
    open: async () => undefined,
    close: async () => void socket.destroy(),
    write: (data) => new Promise((resolve) => socket.write(data, () => resolve())),
    onData: (listener) => {
      socket.on("data", listener);
      return () => socket.off("data", listener);
    },
    onClose: (listener) => {
      const closed = (): void => listener();
      socket.on("close", closed);
      return () => socket.off("close", closed);
    },
  };
}

/** An SMC100 emulator behind a TCP port (as behind a terminal server), one per connection. */
async function smc100Server(): Promise<number> {
  const emulators: Smc100Emulator[] = [];
  const server: Server = createServer((socket) => {
    const emulator = new Smc100Emulator({
      transport: socketEnd(socket),
      axes: [{ address: 1, id: "LTA-HS", position: 0 }],
    });
    emulators.push(emulator);
    void emulator.start();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "hil-record-"));
}

/** A config of the two real devices, at these ports. */
function writeConfig(dir: string, smc100Port: number, eurothermPort: number): string {
  const file = join(dir, "stand.yaml");
  writeFileSync(
    file,
    `devices:
  m1:
    driver: newport.smc100
    units: mm
    limits: [-5, 5]
    transport: {type: tcp, host: 127.0.0.1, port: ${smc100Port}}
    homeOnConnect: true
    pollPeriod: 0.02
    sim:
      driver: sim.motor
  furnace:
    driver: eurotherm.3200
    transport: {type: modbus-tcp, host: 127.0.0.1, port: ${eurothermPort}, unitId: 1}
    timeout: 0.5
`,
  );
  return file;
}

/** Captures a command's output lines. */
function output() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    options: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) },
  };
}

async function stand() {
  const eurotherm = await Eurotherm3200Emulator.start({ setpoint: 25 });
  cleanups.push(() => eurotherm.stop());
  const dir = tempDir();
  return { dir, config: writeConfig(dir, await smc100Server(), eurotherm.port) };
}

describe("hil record and hil replay", () => {
  it("record an SMC100 over TCP, and replay it with the same readings and no controller", async () => {
    const { dir, config } = await stand();
    const cassette = join(dir, "m1.jsonl");
    const recording = output();
    expect(await recordCommand(config, "m1", cassette, recording.options)).toBe(0);
    expect(recording.err).toEqual([]);
    const readings = recording.out.slice(0, -1);
    expect(readings).toEqual([
      "m1           0 mm",
      "m1_setpoint  0 mm",
      "m1_velocity      2 mm/s",
      "m1_acceleration  8 mm/s^2",
      "m1_low_limit     -5 mm",
      "m1_high_limit    5 mm",
    ]);
    expect(recording.out.at(-1)).toMatch(new RegExp(`^recorded \\d+ events to ${cassette}$`));

    const loaded = await loadCassette(cassette);
    expect(loaded.header.recorded).toBe(
      `hil record: m1 (newport.smc100) on tcp:127.0.0.1:${/port: (\d+)/.exec(readFileSync(config, "utf8"))![1]}, from ${config}: connect and read`,
    );
    expect(loaded.header.meta).toMatchObject({
      tool: "hil record",
      device: { name: "m1", driver: "newport.smc100", units: "mm", limits: [-5, 5] },
    });
    if (loaded.kind !== "bytes") throw new Error(`a ${loaded.kind} cassette`);
    const sent = loaded.events.filter((e) => e.event.dir === "out").map((e) => e.event.text);
    expect(sent.slice(0, 3)).toEqual(["1ID?\r\n", "1VE\r\n", "1TS\r\n"]);
    expect(sent).toContain("1SL-5\r\n");
    expect(sent).toContain("1OR\r\n");

    const replay = output();
    expect(await replayCommand(cassette, replay.options)).toBe(0);
    expect(replay.err).toEqual([]);
    expect(replay.out.slice(0, -1)).toEqual(readings);
    expect(replay.out.at(-1)).toBe(`replayed ${cassette}: m1 made every recorded request`);
  });

  it("record a Eurotherm over Modbus TCP, and replay it", async () => {
    const { dir, config } = await stand();
    const cassette = join(dir, "furnace.jsonl");
    const recording = output();
    expect(await recordCommand(config, "furnace", cassette, recording.options)).toBe(0);
    expect(recording.out).toContainEqual(expect.stringMatching(/^furnace_setpoint +25 degC$/));
    expect(recording.out).toContainEqual(expect.stringMatching(/^furnace_mode +auto$/));
    const replay = output();
    expect(await replayCommand(cassette, replay.options)).toBe(0);
    expect(replay.out.slice(0, -1)).toEqual(recording.out.slice(0, -1));
    expect((await loadCassette(cassette)).kind).toBe("modbus");
  });

  it("replay fails, naming the cassette line, when one recorded byte differs", async () => {
    const { dir, config } = await stand();
    const cassette = join(dir, "m1.jsonl");
    expect(await recordCommand(config, "m1", cassette, output().options)).toBe(0);
    const lines = readFileSync(cassette, "utf8").split("\n");
    const at = lines.findIndex((l) => l.includes('"text":"1SL-5\\r\\n"'));
    lines[at] = lines[at]!.replace("31534c2d350d0a", "31534c2d340d0a").replace(
      "1SL-5\\r",
      "1SL-4\\r",
    );
    writeFileSync(cassette, lines.join("\n"));
    const replay = output();
    expect(await replayCommand(cassette, replay.options)).toBe(1);
    expect(replay.err).toEqual([
      `hil replay: ${cassette}:${at + 1}: the request differs from the cassette: ` +
        'expected "1SL-4\\r\\n" [31 53 4c 2d 34 0d 0a], got "1SL-5\\r\\n" [31 53 4c 2d 35 0d 0a]',
    ]);
  });

  it("record keeps what it recorded when the device fails the check", async () => {
    const dir = tempDir();
    const closed = await smc100Server().then(async (port) => {
      await cleanups.pop()!(); // nobody listens there any more
      return port;
    });
    const config = writeConfig(dir, closed, 1);
    const cassette = join(dir, "m1.jsonl");
    const recording = output();
    expect(
      await recordCommand(config, "m1", cassette, { ...recording.options, connectTimeout: 1 }),
    ).toBe(1);
    expect(recording.err[0]).toMatch(/^hil record: m1 failed to connect:\n {2}m1: /);
    expect(recording.err[1]).toBe(`${cassette} keeps the 0 events recorded before that`);
    expect((await loadCassette(cassette)).events).toEqual([]);
  });

  it("refuses what cannot be recorded or replayed, with a clear error", async () => {
    const dir = tempDir();
    const config = writeConfig(dir, 1, 1);
    const out = join(dir, "x.jsonl");
    const quiet = output().options;
    await expect(recordCommand(config, "m2", out, quiet)).rejects.toThrow(UnknownDeviceError);
    await expect(recordCommand(config, "m", out, quiet)).rejects.toThrow(
      `no device "m" in ${config} (did you mean "m1"?)`,
    );
    const simulated = recordCommand(config, "m1", out, { ...quiet, profile: "sim" });
    await expect(simulated).rejects.toThrow(
      `m1 is simulated (driver sim.motor) in ${config}: there is no traffic to record`,
    );
    await expect(replayCommand(join(dir, "none.jsonl"), quiet)).rejects.toThrow(
      `${join(dir, "none.jsonl")}: cannot read the cassette: no such file`,
    );
    // A cassette made in a test, not by hil record, does not say which device to build.
    const error = await replayCommand(SMC100_CASSETTE, quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CassetteFormatError);
    expect(error).toBeInstanceOf(HilError);
    expect((error as Error).message).toBe(
      `${SMC100_CASSETTE}:1: was not made by hil record: its header names no device ` +
        "(meta.device) to build, so replay it in a test with a CassettePlayer or ModbusCassettePlayer",
    );
  });
});
