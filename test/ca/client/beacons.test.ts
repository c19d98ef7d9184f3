import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { BeaconWatcher } from "../../../src/ca/client/beacon-watcher.js";
import { CaClient, DBR, decodeDatagram, encode } from "../../../src/ca/index.js";
import { startFakeServer, type FakeCaServer } from "./support/fake-server.js";

describe("beacon anomalies", () => {
  it("the first beacon of a server only starts its record; steady beacons are no anomaly", () => {
    const watcher = new BeaconWatcher();
    expect(watcher.onBeacon("a:1", 10, 0)).toBeUndefined();
    for (let i = 1; i < 6; i++) expect(watcher.onBeacon("a:1", 10 + i, 15 * i)).toBeUndefined();
  });

  it("an ID that jumps is an anomaly (a restart, many beacons lost)", () => {
    const watcher = new BeaconWatcher();
    watcher.onBeacon("a:1", 1000, 0);
    watcher.onBeacon("a:1", 1001, 15);
    expect(watcher.onBeacon("a:1", 0, 30)).toBe("a:1 beacon ID 0 after 1001");
    expect(watcher.onBeacon("a:1", 9, 45)).toBe("a:1 beacon ID 9 after 0");
  });

  it("a repeated, late or slightly skipped beacon is no anomaly, as in libca", () => {
    const watcher = new BeaconWatcher();
    watcher.onBeacon("a:1", 10, 0);
    watcher.onBeacon("a:1", 11, 15);
    expect(watcher.onBeacon("a:1", 11, 15.001)).toBeUndefined(); // the same one again
    expect(watcher.onBeacon("a:1", 9, 15.002)).toBeUndefined(); // a late copy
    expect(watcher.onBeacon("a:1", 12, 30)).toBeUndefined(); // 9 -> 12: a step of 3
    expect(watcher.onBeacon("a:1", 13, 45)).toBeUndefined();
  });

  it("a gap far shorter than the usual period is an anomaly", () => {
    const watcher = new BeaconWatcher();
    watcher.onBeacon("a:1", 1, 0);
    watcher.onBeacon("a:1", 2, 15);
    watcher.onBeacon("a:1", 3, 30);
    expect(watcher.onBeacon("a:1", 4, 30.02)).toMatch(/^a:1 beacons every 0.020 s instead of 15/);
  });
});

describe("beacons through a repeater", () => {
  let server: FakeCaServer;
  let client: CaClient;
  let repeater: Socket;

  afterEach(async () => {
    await client.close();
    await server.close();
    await new Promise<void>((resolve) => repeater.close(() => resolve()));
  });

  it("registers with the repeater; a restarted server's beacon restarts the search back-off", async () => {
    server = await startFakeServer({ "sim:late": { type: DBR.DOUBLE, value: 4 } });
    server.answerSearches = false;
    repeater = createSocket("udp4");
    const registered = new Promise<{ address: string; port: number }>((resolve) => {
      repeater.on("message", (bytes, from) => {
        const [message] = decodeDatagram(bytes, "client");
        if (message?.type !== "RepeaterRegisterRequest") return;
        repeater.send(
          encode({ type: "RepeaterConfirmResponse", repeaterAddress: 0 }),
          from.port,
          from.address,
        );
        resolve(from);
      });
    });
    await new Promise<void>((resolve) => repeater.bind(0, "127.0.0.1", resolve));
    const clock = new VirtualClock({ auto: false });
    const anomalies: string[] = [];
    let anomaly: () => void = () => undefined;
    client = new CaClient({
      env: { ...server.env, EPICS_CA_REPEATER_PORT: String(repeater.address().port) },
      clock,
      log: (level, message) => {
        if (!message.startsWith("beacon anomaly")) return;
        anomalies.push(message);
        anomaly();
      },
    });
    const channel = client.channel("sim:late");
    const to = await registered;
    // Search until the gaps are long (about 7.7 s by now).
    await clock.advance(10);
    const before = (await server.waitFor("SearchRequest", 9)).length;
    const beacon = (id: number): void =>
      repeater.send(
        encode({
          type: "RsrvIsUpResponse",
          minorVersion: 13,
          port: server.tcpPort,
          beaconId: id,
          serverAddress: 0,
        }),
        to.port,
        to.address,
      );
    server.answerSearches = true;
    const seen = new Promise<void>((resolve) => (anomaly = resolve));
    beacon(1041);
    beacon(1042);
    beacon(0);
    await seen;
    expect(anomalies).toEqual([
      `beacon anomaly (127.0.0.1:${server.tcpPort} beacon ID 0 after 1042): searching again`,
    ]);
    await clock.advance(0);
    await channel.connected(Infinity);
    expect(server.messages("SearchRequest")).toHaveLength(before + 1);
  });
});
