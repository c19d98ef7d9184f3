import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  CaClient,
  DBR,
  ETHERNET_MAX_UDP,
  SearchScheduler,
  decodeDatagram,
  searchDelay,
  type CaMessage,
} from "../../../src/ca/index.js";
import { startFakeServer, type FakeCaServer } from "./support/fake-server.js";

interface Sent {
  time: number;
  messages: CaMessage[];
  size: number;
}

function scheduler(maxPeriod = 1): { clock: VirtualClock; sent: Sent[]; search: SearchScheduler } {
  const clock = new VirtualClock({ auto: false });
  const sent: Sent[] = [];
  const search = new SearchScheduler({
    clock,
    maxPeriod,
    firstPeriod: 0.03,
    send: (datagram) =>
      sent.push({
        time: clock.now(),
        messages: decodeDatagram(datagram, "client"),
        size: datagram.length,
      }),
  });
  return { clock, sent, search };
}

const names = (s: Sent): string[] =>
  s.messages.flatMap((m) => (m.type === "SearchRequest" ? [m.name] : []));

describe("the search back-off", () => {
  it("doubles the gap from the first period up to the maximum, then keeps searching at it", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((a) => searchDelay(a, 0.03, 1))).toEqual([
      0, 0.03, 0.06, 0.12, 0.24, 0.48, 0.96, 1, 1,
    ]);
  });

  it("sends at 0, 0.03, 0.09, 0.21, 0.45, 0.93 on the clock, capped at the maximum period", async () => {
    const { clock, sent, search } = scheduler(0.5);
    search.add(1, "pv:a");
    await clock.advance(3);
    const times = sent.map((s) => Math.round(s.time * 1000) / 1000);
    expect(times).toEqual([0, 0.03, 0.09, 0.21, 0.45, 0.93, 1.43, 1.93, 2.43, 2.93]);
    search.close();
  });

  it("batches names due together into one datagram led by a VERSION with a sequence number", async () => {
    const { clock, sent, search } = scheduler();
    search.add(1, "pv:a");
    search.add(2, "pv:b");
    search.add(3, "pv:c");
    await clock.advance(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.messages[0]).toEqual({
      type: "UdpVersionRequest",
      minorVersion: 13,
      sequenceNumber: 1,
    });
    expect(names(sent[0]!)).toEqual(["pv:a", "pv:b", "pv:c"]);
    expect(sent[0]!.messages[1]).toMatchObject({ cid: 1, replyIfNotFound: false });
    search.close();
  });

  it("splits a large batch into datagrams of at most 1472 bytes, each with its own VERSION", async () => {
    const { clock, sent, search } = scheduler();
    const all = Array.from({ length: 300 }, (_, i) => `beamline:section${i}:device:signal.VAL`);
    all.forEach((name, i) => search.add(i + 1, name));
    await clock.advance(0);
    expect(sent.length).toBeGreaterThan(5);
    for (const datagram of sent) {
      expect(datagram.size).toBeLessThanOrEqual(ETHERNET_MAX_UDP);
      expect(datagram.messages[0]!.type).toBe("UdpVersionRequest");
    }
    expect(sent.flatMap(names)).toEqual(all);
    const sequence = sent.map((s) => (s.messages[0] as { sequenceNumber: number }).sequenceNumber);
    expect(sequence).toEqual(sequence.map((_, i) => i + 1));
    search.close();
  });

  it("stops searching a removed name; reset() searches the rest at once from the start", async () => {
    const { clock, sent, search } = scheduler();
    search.add(1, "pv:a");
    search.add(2, "pv:b");
    await clock.advance(0.5);
    search.remove(1);
    const before = sent.length;
    search.reset();
    await clock.advance(0);
    expect(sent.length).toBe(before + 1);
    expect(names(sent.at(-1)!)).toEqual(["pv:b"]);
    expect(search.attempts(2)).toBe(1);
    search.close();
  });

  it("a name that failed to connect resumes its back-off instead of searching at once", async () => {
    const { clock, sent, search } = scheduler();
    search.add(1, "pv:a", 3);
    await clock.advance(0.11);
    expect(sent).toHaveLength(0);
    await clock.advance(0.01);
    expect(sent).toHaveLength(1);
    search.close();
  });
});

describe("searching over UDP", () => {
  let server: FakeCaServer;
  let client: CaClient;

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it("retries unanswered searches until the server answers", async () => {
    server = await startFakeServer({ "sim:late": { type: DBR.DOUBLE, value: 1 } });
    server.ignoreSearches.set("sim:late", 3);
    client = new CaClient({ env: server.env });
    await client.channel("sim:late").connected();
    expect(server.messages("SearchRequest")).toHaveLength(4);
  });

  it("retries on the virtual clock: no second search before 0.03 s", async () => {
    server = await startFakeServer({ "sim:late": { type: DBR.DOUBLE, value: 1 } });
    server.answerSearches = false;
    const clock = new VirtualClock({ auto: false });
    client = new CaClient({ env: server.env, clock });
    const channel = client.channel("sim:late");
    await clock.advance(0);
    await server.waitFor("SearchRequest", 1);
    await clock.advance(0.029);
    server.answerSearches = true;
    await clock.advance(0.001);
    await server.waitFor("SearchRequest", 2);
    await channel.connected(Infinity);
    // Loopback datagrams arrive in order: nothing else was sent before the second search.
    expect(server.messages("SearchRequest")).toHaveLength(2);
  });

  it("searches every address of EPICS_CA_ADDR_LIST; the server that has the name answers", async () => {
    server = await startFakeServer({ "sim:b": { type: DBR.LONG, value: 2 } });
    const empty = await startFakeServer();
    client = new CaClient({
      env: {
        EPICS_CA_ADDR_LIST: `127.0.0.1:${empty.udpPort} 127.0.0.1:${server.udpPort}`,
        EPICS_CA_AUTO_ADDR_LIST: "NO",
      },
    });
    expect((await client.channel("sim:b").get()).value[0]).toBe(2);
    expect(empty.messages("SearchRequest").map((m) => m.name)).toContain("sim:b");
    await empty.close();
  });
});
