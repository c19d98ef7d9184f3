// The `sockets:` section of a config: device signals published on data sockets, checked
// with problems located at their line and column.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { problemLines } from "../../config/fixture.js";

const write = async (text: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "hil-config-sockets-"));
  const file = join(dir, "sockets.yaml");
  await writeFile(file, text);
  return file;
};
const devices =
  "devices:\n  m1: { driver: sim.motor }\n  det: { driver: sim.detector, peak: { motors: [m1], centre: 0, sigma: 1, amplitude: 1, background: 0 } }\n";

describe("the sockets: section", () => {
  it("gives each socket with its defaults and its signals' timeouts", async () => {
    const file = await write(
      `${devices}sockets:
  moon:
    type: date
    timeout: 5
    codenames:
      position: m1
      counts: { signal: det, timeout: 0.5 }
  data:
    type: data
    name: data socket
    host: 0.0.0.0
    port: 9011
    period: 0.25
    codenames: { "set point": m1_user_setpoint }
  pushed: { type: push }
  live:
    type: live
    port: 0
    codenames: { m1: m1 }
    liveServer: { host: localhost, port: 9767 }
`,
    );
    const { sockets } = await loadConfig(file);
    expect(sockets).toEqual([
      {
        key: "moon",
        type: "date",
        name: "moon",
        host: "127.0.0.1",
        port: 9000,
        period: 1,
        signals: [
          { codename: "position", signal: "m1", timeout: 5 },
          { codename: "counts", signal: "det", timeout: 0.5 },
        ],
      },
      {
        key: "data",
        type: "data",
        name: "data socket",
        host: "0.0.0.0",
        port: 9011,
        period: 0.25,
        signals: [{ codename: "set point", signal: "m1_user_setpoint", timeout: null }],
      },
      {
        key: "pushed",
        type: "push",
        name: "pushed",
        host: "127.0.0.1",
        port: 8500,
        period: 1,
        signals: [],
      },
      {
        key: "live",
        type: "live",
        name: "live",
        host: "127.0.0.1",
        port: 0,
        period: 1,
        signals: [{ codename: "m1", signal: "m1", timeout: null }],
        liveServer: { host: "localhost", port: 9767 },
      },
    ]);
    expect((await loadConfig(await write(devices))).sockets).toBeUndefined();
  });

  it("names bad codenames, unknown signals and misplaced keys where they are", async () => {
    const file = await write(
      `${devices}sockets:
  a:
    type: date
    codenames:
      "x#y": m1
      z: { signal: m2_velocity }
  b: { type: push, codenames: { c: m1 } }
  c: { type: live, codenames: { c: det } }
  d: { type: data }
  e: { type: date, port: 9000, codenames: { c: det }, liveServer: { host: h, port: 1 } }
  f: { type: pull }
`,
    );
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:14:14 sockets.f.type: expected one of "date", "data", "push", "live", got "pull"`,
    ]);
    const fixed = await write((await readFile(file, "utf8")).replace("  f: { type: pull }\n", ""));
    expect(await problemLines(loadConfig(fixed))).toEqual([
      `${fixed}:8:7 sockets.a.codenames.x#y: the character '#' is not allowed in the codenames`,
      `${fixed}:9:20 sockets.a.codenames.z.signal: no device has the signal "m2_velocity" (devices: m1, det)`,
      `${fixed}:10:20 sockets.b.codenames: a push socket publishes no signals: no codenames`,
      `${fixed}:11:3 sockets.c: a live socket needs a liveServer: {host, port} to send to`,
      `${fixed}:12:3 sockets.d: a data socket needs codenames: the signals it publishes`,
      `${fixed}:13:26 sockets.e.port: socket "a" is already on 127.0.0.1:9000`,
      `${fixed}:13:55 sockets.e.liveServer: only a live socket has a liveServer`,
    ]);
  });
});
