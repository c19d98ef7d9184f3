// `hil record` and `hil replay` as functions (src/cli/hil-record.ts, hil-replay.ts): a config
// names a real SMC100 and a real Keithley 6485 on TCP (as behind a terminal server) and a real
// Eurotherm on Modbus TCP, all emulators here; the recording is replayed without them. Then
// the Keithley as a person would do it: `hil emulate` on a pty, `hil record`, `hil replay`.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HilError } from "../../src/core/index.js";
import type { ByteTransport } from "../../src/transports/index.js";
import { CassetteFormatError, loadCassette } from "../../src/transports/index.js";
import { UnknownDeviceError } from "../../src/config/index.js";
import { Eurotherm3200Emulator, Keithley6485Emulator, Smc100Emulator } from "../../sim/index.js";
import { recordCommand } from "../../src/cli/hil-record.js";
import { replayCommand } from "../../src/cli/hil-replay.js";
import { SMC100_CASSETTE } from "../transports/cassette/record-fixtures.js";
import { socat } from "../support/peers.js";
import { hil, root, startHil } from "./run-hil.js";

/** Recorded with `hil record` from `hil emulate keithley.6485` (see hil-record.yaml beside it). */
const KEITHLEY_HIL_CASSETTE = join(root, "test/cassettes/keithley-6485/hil-record.jsonl");

/** The check's lines for the Keithley of these configs: range 2e-8 A, 1.5 nA in. */
const KEITHLEY_READINGS = (nplc: string, exposure: string, current = "1.5e-9"): string[] => [
  `det  ${current} A`,
  `det_exposure   ${exposure} s`,
  "det_range      2e-8 A",
  "det_autorange  false",
  `det_nplc       ${nplc}`,
];

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

/** What tcpServer runs per connection. */
interface Emulator {
  start(): Promise<void>;
  close(): Promise<void>;
}

/** An emulator behind a TCP port (as behind a terminal server), one per connection. */
async function tcpServer(emulate: (transport: ByteTransport) => Emulator): Promise<number> {
  const emulators: Emulator[] = [];
  const server: Server = createServer((socket) => {
    const emulator = emulate(socketEnd(socket));
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

const smc100Server = (): Promise<number> =>
  tcpServer(
    (transport) =>
      new Smc100Emulator({ transport, axes: [{ address: 1, id: "LTA-HS", position: 0 }] }),
  );

const keithleyServer = (): Promise<number> =>
  tcpServer((transport) => new Keithley6485Emulator({ transport, current: 1.5e-9 }));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "hil-record-"));
}

/** A config of the three real devices, at these ports. */
function writeConfig(
  dir: string,
  smc100Port: number,
  eurothermPort: number,
  keithleyPort = 1,
): string {
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
  det:
    driver: keithley.6485
    units: A
    transport: {type: tcp, host: 127.0.0.1, port: ${keithleyPort}}
    range: 2e-8
    nplc: 0.1
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
  const config = writeConfig(dir, await smc100Server(), eurotherm.port, await keithleyServer());
  return { dir, config };
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

  it("record a Keithley 6485 over TCP, and replay it with the same measurement", async () => {
    const { dir, config } = await stand();
    const cassette = join(dir, "det.jsonl");
    const recording = output();
    expect(await recordCommand(config, "det", cassette, recording.options)).toBe(0);
    expect(recording.err).toEqual([]);
    const readings = recording.out.slice(0, -1);
    expect(readings).toEqual(KEITHLEY_READINGS("0.1", "0.002"));
    const loaded = await loadCassette(cassette);
    expect(loaded.header.meta).toMatchObject({
      tool: "hil record",
      device: { name: "det", driver: "keithley.6485", params: { range: 2e-8, nplc: 0.1 } },
    });
    if (loaded.kind !== "bytes") throw new Error(`a ${loaded.kind} cassette`);
    const sent = loaded.events.filter((e) => e.event.dir === "out").map((e) => e.event.text);
    expect(sent.slice(0, 2)).toEqual(["*IDN?\r", "*CLS\r"]);
    expect(sent).toContain("NPLC 0.1\r");
    expect(sent).toContain("READ?\r");

    const replay = output();
    expect(await replayCommand(cassette, replay.options)).toBe(0);
    expect(replay.err).toEqual([]);
    expect(replay.out.slice(0, -1)).toEqual(readings);
    expect(replay.out.at(-1)).toBe(`replayed ${cassette}: det made every recorded request`);
  });

  it("replays the Keithley cassette recorded with hil record from its emulator", async () => {
    const replay = output();
    expect(await replayCommand(KEITHLEY_HIL_CASSETTE, replay.options)).toBe(0);
    expect(replay.err).toEqual([]);
    expect(replay.out).toEqual([
      ...KEITHLEY_READINGS("1", "0.02", "1.5007e-9"),
      `replayed ${KEITHLEY_HIL_CASSETTE}: det made every recorded request`,
    ]);
  });

  it("replay splits Keithley requests at CR, so an edited one fails at its cassette line", async () => {
    const cassette = join(tempDir(), "det.jsonl");
    copyFileSync(KEITHLEY_HIL_CASSETTE, cassette);
    const lines = readFileSync(cassette, "utf8").split("\n");
    const at = lines.findIndex((l) => l.includes('"text":"NPLC 1\\r"'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.replace("4e504c4320310d", "4e504c4320320d").replace(
      "NPLC 1\\r",
      "NPLC 2\\r",
    );
    writeFileSync(cassette, lines.join("\n"));
    const replay = output();
    expect(await replayCommand(cassette, replay.options)).toBe(1);
    expect(replay.err[0]).toBe(
      `hil replay: ${cassette}:${at + 1}: the request differs from the cassette: ` +
        'expected "NPLC 2\\r" [4e 50 4c 43 20 32 0d], got "NPLC 1\\r" [4e 50 4c 43 20 31 0d]',
    );
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
    // A device on no port has nothing on cassette.
    const sim = join(dir, "sim.jsonl");
    const header = {
      cassette: "hil",
      version: 1,
      kind: "bytes",
      recorded: "by hand",
      start: 0,
      meta: { device: { name: "m", driver: "sim.motor", params: {}, transport: { type: "sim" } } },
    };
    writeFileSync(sim, `${JSON.stringify(header)}\n`);
    await expect(replayCommand(sim, quiet)).rejects.toThrow(
      `${sim}: m (driver sim.motor) talks over no port (transport sim), so there is no ` +
        "traffic to record or replay",
    );
    // A driver this build does not know, or parameters its schema refuses.
    const cassetteOf = (device: object): string => {
      const file = join(dir, "named.jsonl");
      writeFileSync(file, `${JSON.stringify({ ...header, meta: { device } })}\n`);
      return file;
    };
    const tcp = { type: "tcp", host: "127.0.0.1", port: 1 };
    const unknown = cassetteOf({ name: "x", driver: "acme.thing", params: {}, transport: tcp });
    await expect(replayCommand(unknown, quiet)).rejects.toThrow(
      `${unknown}: x: unknown driver "acme.thing"`,
    );
    const bad = cassetteOf({
      name: "det",
      driver: "keithley.6485",
      params: { nplc: 9 },
      transport: tcp,
    });
    await expect(replayCommand(bad, quiet)).rejects.toThrow(
      `${bad}: det (keithley.6485): bad parameters: nplc: `,
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

describe.skipIf(!socat().available)("hil emulate, hil record, hil replay", () => {
  it("records the Keithley emulator on a pty through the CLI, and replays it without it", async () => {
    const dir = tempDir();
    const link = join(dir, "keithley");
    const emulator = startHil(["emulate", "keithley.6485", "--link", link]);
    await emulator.waitFor("Ctrl-C stops it.");
    const config = join(dir, "stand.yaml");
    writeFileSync(
      config,
      `devices:
  det:
    driver: keithley.6485
    units: A
    transport: {type: serial, path: ${link}, baud: 9600}
    range: 2e-8
    nplc: 1
`,
    );
    const cassette = join(dir, "det.jsonl");
    const recorded = await hil(["record", config, "det", cassette]);
    emulator.signal("SIGINT");
    expect(recorded.code, recorded.stderr).toBe(0);
    expect((await emulator.done).code).toBe(0);
    const lines = recorded.stdout.trim().split("\n");
    expect(lines.at(-1)).toMatch(new RegExp(`^recorded \\d+ events to ${cassette}$`));
    // The emulator adds 1 pA of noise to its 1.5 nA.
    expect(lines[0]).toMatch(/^det {2}1\.5\d*e-9 A$/);
    expect(lines.slice(1, -1)).toEqual(KEITHLEY_READINGS("1", "0.02").slice(1));

    const replayed = await hil(["replay", cassette]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout.trim().split("\n")).toEqual([
      ...lines.slice(0, -1),
      `replayed ${cassette}: det made every recorded request`,
    ]);
  });
});
