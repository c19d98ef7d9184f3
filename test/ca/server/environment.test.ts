// The EPICS_CAS_* environment: interfaces, the server port and its TCP fall-back, beacons,
// ignored hosts.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  CaServer,
  decodeDatagram,
  encodeMessages,
  pvProvider,
  SoftPv,
  type CaMessage,
} from "../../../src/ca/index.js";
import { LOOPBACK, RawClient, sleep, udpExchange } from "./helpers.js";

const provider = pvProvider({ "E:ai": new SoftPv({ value: 1 }) });
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverOn(env: Record<string, string>): Promise<CaServer> {
  const server = new CaServer({ provider, env });
  cleanups.push(() => server.close());
  await server.start();
  return server;
}

/** A TCP listener holding a free loopback port. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { port: typeof address === "object" && address ? address.port : 0, server };
}

async function udpListener(): Promise<{ socket: UdpSocket; port: number; received: CaMessage[] }> {
  const socket = createSocket("udp4");
  const received: CaMessage[] = [];
  socket.on("message", (bytes) => received.push(...decodeDatagram(bytes, "server")));
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  cleanups.push(() => {
    socket.close();
  });
  return { socket, port: socket.address().port, received };
}

const search = encodeMessages([
  { type: "UdpVersionRequest", minorVersion: 13, sequenceNumber: 1 },
  { type: "SearchRequest", name: "E:ai", cid: 3, minorVersion: 13, replyIfNotFound: true },
]);

describe("server environment", () => {
  it("binds EPICS_CAS_SERVER_PORT for UDP and falls back to a free TCP port when it is taken", async () => {
    const { port } = await holdPort();
    const server = await serverOn({
      EPICS_CAS_INTF_ADDR_LIST: LOOPBACK,
      EPICS_CAS_SERVER_PORT: String(port),
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
    });
    expect(server.udpPort).toBe(port);
    expect(server.tcpPort).not.toBe(port);
    const replies = await udpExchange(port, search);
    expect(replies[0]!.messages[1]).toMatchObject({ type: "SearchResponse", port: server.tcpPort });
    const client = await RawClient.open(server.tcpPort);
    cleanups.push(() => client.close());
    expect((await client.create("E:ai")).nativeCount).toBe(1);
  });

  it("sends beacons to EPICS_CAS_BEACON_ADDR_LIST, ids counting up, gaps doubling to the period", async () => {
    const listener = await udpListener();
    const server = await serverOn({
      EPICS_CAS_INTF_ADDR_LIST: LOOPBACK,
      EPICS_CAS_SERVER_PORT: String((await holdPort()).port),
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
      EPICS_CAS_BEACON_ADDR_LIST: `${LOOPBACK}:${listener.port}`,
      EPICS_CAS_BEACON_PERIOD: "0.08",
    });
    await sleep(400);
    const beacons = listener.received.filter((m) => m.type === "RsrvIsUpResponse");
    expect(beacons.length).toBeGreaterThanOrEqual(5);
    // Every 20 ms would be 20; doubling to the 80 ms period gives about 7.
    expect(beacons.length).toBeLessThan(12);
    beacons.forEach((beacon, i) =>
      expect(beacon).toEqual({
        type: "RsrvIsUpResponse",
        minorVersion: 13,
        port: server.tcpPort,
        beaconId: i,
        serverAddress: 0x7f000001,
      }),
    );
  });

  it("ignores searches from EPICS_CAS_IGNORE_ADDR_LIST hosts", async () => {
    const server = await serverOn({
      EPICS_CAS_INTF_ADDR_LIST: LOOPBACK,
      EPICS_CAS_SERVER_PORT: String((await holdPort()).port),
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
      EPICS_CAS_IGNORE_ADDR_LIST: LOOPBACK,
    });
    expect(await udpExchange(server.udpPort, search)).toEqual([]);
  });

  it("binds the wildcard by default and answers with 'use the source address'", async () => {
    const server = await serverOn({
      EPICS_CAS_SERVER_PORT: String((await holdPort()).port),
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
    });
    const replies = await udpExchange(server.udpPort, search);
    expect(replies[0]!.messages[1]).toMatchObject({
      type: "SearchResponse",
      serverAddress: 0xffffffff,
    });
  });

  it("refuses a bad variable at start", async () => {
    const server = new CaServer({ provider, env: { EPICS_CAS_SERVER_PORT: "http" } });
    await expect(server.start()).rejects.toThrow(/EPICS_CAS_SERVER_PORT/);
  });
});
