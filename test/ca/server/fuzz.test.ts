// Thousands of random, truncated and mutated packets over TCP and UDP: the server stays up,
// frees what each broken circuit held, and serves a good client afterwards.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  DBE,
  DBR,
  encode,
  SoftPv,
  type CaMessageInput,
  type CaServer,
} from "../../../src/ca/index.js";
import { LOOPBACK, RawClient, sleep, startServer, udpExchange } from "./helpers.js";

const rng = xoroshiro128plus(20240611);
const int = (from: number, to: number): number => uniformInt(rng, from, to);
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;

/** Well-formed requests, the raw material for mutations. */
function validRequest(sid: number): CaMessageInput {
  const dataType = int(0, 38);
  const io = { sid, ioid: int(0, 1000), dataType, dataCount: int(0, 3) };
  return pick<CaMessageInput>([
    { type: "VersionRequest", priority: int(0, 99), minorVersion: int(0, 20) },
    { type: "HostNameRequest", name: "h".repeat(int(0, 80)) },
    { type: "ClientNameRequest", name: "u".repeat(int(0, 80)) },
    {
      type: "CreateChanRequest",
      name: pick(["F:ai", "F:wave", "F:text", "nope"]),
      cid: int(0, 9),
      minorVersion: 13,
    },
    { type: "ReadNotifyRequest", ...io },
    {
      type: "EventAddRequest",
      sid,
      subscriptionId: int(0, 5),
      dataType,
      dataCount: int(0, 3),
      mask: int(0, 15),
    },
    { type: "EventCancelRequest", sid, subscriptionId: int(0, 5), dataType, dataCount: 1 },
    {
      type: "WriteNotifyRequest",
      ...io,
      dataType: DBR.STRING,
      dataCount: 1,
      data: { value: pick(["1", "x", "On", ""]) },
    },
    { type: "WriteRequest", ...io, dataType: 6, dataCount: 1, data: { value: int(0, 9) } },
    { type: "EchoRequest" },
    { type: "EventsOffRequest" },
    { type: "EventsOnRequest" },
    { type: "ReadSyncRequest" },
    { type: "ClearChannelRequest", sid, cid: 1 },
  ]);
}

/** Random bytes, a cut message, or a message with a few bytes flipped. */
function hostileBytes(sid: number): Uint8Array {
  const kind = int(0, 3);
  if (kind === 0) return Uint8Array.from({ length: int(1, 64) }, () => int(0, 255));
  const bytes = encode(validRequest(sid));
  if (kind === 1) return bytes.slice(0, int(0, bytes.length));
  const copy = bytes.slice();
  for (let i = int(1, 4); i > 0; i--) copy[int(0, copy.length - 1)] = int(0, 255);
  return copy;
}

let server: CaServer;
let pvs: Map<string, SoftPv>;
const log: string[] = [];

beforeAll(async () => {
  pvs = new Map([
    ["F:ai", new SoftPv({ value: 1.5, metadata: { precision: 2 } })],
    ["F:wave", new SoftPv({ value: new Float64Array(16), maxCount: 64 })],
    ["F:text", new SoftPv({ value: "abc" })],
  ]);
  server = await startServer(pvs, { log: (line) => log.push(line), maxArrayBytes: 65536 });
});

afterAll(async () => {
  await server.close();
});

describe("fuzzing the server", () => {
  it("survives thousands of hostile TCP packets", async () => {
    const ticker = setInterval(() => pvs.get("F:ai")!.post(Math.random()), 2);
    onTestFinished(() => clearInterval(ticker));
    let packets = 0;
    for (let round = 0; round < 60; round++) {
      const client = await RawClient.open(server.tcpPort);
      const { sid } = await client.create("F:ai");
      // Some valid traffic first, so the damage lands on a live circuit.
      for (let i = int(0, 10); i > 0; i--) client.socket.write(encode(validRequest(sid)));
      for (let i = 0; i < 50; i++) {
        client.socket.write(hostileBytes(sid));
        packets++;
      }
      if (round % 3 === 0) client.close();
      else client.socket.end();
      await sleep(1);
    }
    clearInterval(ticker);
    expect(packets).toBe(3000);
    for (let i = 0; i < 200 && server.circuits().length > 0; i++) await sleep(10);
    expect(server.circuits()).toEqual([]);
    for (const pv of pvs.values()) expect(pv.subscriberCount).toBe(0);
  });

  it("survives thousands of hostile datagrams", async () => {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    for (let i = 0; i < 3000; i++) {
      const datagram =
        int(0, 1) === 0
          ? hostileBytes(1)
          : encode({
              type: "SearchRequest",
              name: "x".repeat(int(0, 60)),
              cid: i,
              minorVersion: int(0, 13),
              replyIfNotFound: int(0, 1) === 1,
            }).slice(0, int(0, 100));
      socket.send(datagram, server.udpPort, LOOPBACK);
      if (i % 200 === 0) await sleep(1);
    }
    await sleep(50);
    socket.close();
    const replies = await udpExchange(
      server.udpPort,
      encode({
        type: "SearchRequest",
        name: "F:ai",
        cid: 9,
        minorVersion: 13,
        replyIfNotFound: true,
      }),
    );
    expect(replies[0]!.messages[1]).toMatchObject({ type: "SearchResponse", cid: 9 });
  });

  it("serves a good client afterwards", async () => {
    const client = await RawClient.open(server.tcpPort);
    const { sid } = await client.create("F:ai");
    client.send({
      type: "EventAddRequest",
      sid,
      subscriptionId: 1,
      dataType: DBR.TIME_DOUBLE,
      dataCount: 1,
      mask: DBE.VALUE,
    });
    await client.next("EventAddResponse");
    pvs.get("F:ai")!.post(99);
    expect((await client.next("EventAddResponse")).data?.value).toEqual(Float64Array.of(99));
    client.send({
      type: "WriteNotifyRequest",
      sid,
      ioid: 3,
      dataType: DBR.STRING,
      dataCount: 1,
      data: { value: "7.25" },
    });
    expect((await client.next("WriteNotifyResponse")).ecaStatus).toBe(1);
    expect((await client.read(sid, DBR.STRING, 1)).data?.value).toEqual(["7.25"]);
    client.close();
    // Each broken circuit logged at most one line.
    expect(log.every((line) => line.startsWith("CA server: "))).toBe(true);
    // No fault was the server's own.
    expect(log.filter((line) => line.includes("internal error"))).toEqual([]);
  });
});
