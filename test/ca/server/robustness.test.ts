// Slow, vanishing and hostile clients: the server bounds its memory, frees what they held,
// closes only the offending circuit, and keeps serving everyone else.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CaCommand,
  DBE,
  DBR,
  ECA,
  encodeMessages,
  SoftPv,
  writeHeader,
  type CaPv,
  type CaPvState,
  type CaServer,
} from "../../../src/ca/index.js";
import { RawClient, sleep, startServer } from "./helpers.js";

const WAVE = 1000;
let server: CaServer;
let clients: RawClient[] = [];
let pvs: Map<string, SoftPv>;
let log: string[];

async function open(): Promise<RawClient> {
  const client = await RawClient.open(server.tcpPort);
  clients.push(client);
  return client;
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}

function header(command: number, fields: Partial<Record<string, number>> = {}): Uint8Array {
  const out = new Uint8Array(16);
  writeHeader(out, 0, {
    command,
    payloadSize: 0,
    dataType: 0,
    dataCount: 0,
    parameter1: 0,
    parameter2: 0,
    ...fields,
  });
  return out;
}

beforeEach(async () => {
  pvs = new Map([
    ["R:wave", new SoftPv({ value: new Float64Array(WAVE) })],
    ["R:ai", new SoftPv({ value: 0 })],
  ]);
  log = [];
  server = await startServer(pvs, { log: (line) => log.push(line), maxArrayBytes: 100_000 });
});

afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await server.close();
});

describe("a slow client", () => {
  it("gets the latest value, not a backlog, and the server's memory stays bounded", async () => {
    const pv = pvs.get("R:wave")!;
    const client = await open();
    const { sid } = await client.create("R:wave");
    client.monitor(sid, { dataCount: 0 });
    await client.next("EventAddResponse");
    client.socket.pause();
    const posts = 3000; // 24 MB of updates, far more than the socket buffers hold
    let maxBacklog = 0;
    for (let i = 1; i <= posts; i++) {
      pv.post(new Float64Array(WAVE).fill(i));
      if (i % 20 === 0) {
        await sleep(0);
        maxBacklog = Math.max(maxBacklog, server.circuits()[0]!.backlogBytes);
      }
    }
    const stats = server.circuits()[0]!;
    expect(stats.droppedUpdates).toBeGreaterThan(0);
    expect(stats.pendingMonitors).toBe(1);
    // Bounded by one batch plus the socket's buffer, nowhere near the 24 MB posted.
    expect(maxBacklog).toBeLessThan(2_000_000);

    client.socket.resume();
    let last = 0;
    let received = 0;
    while (last !== posts) {
      const update = await client.next("EventAddResponse");
      const value = update.data!.value as Float64Array;
      expect(value.length).toBe(WAVE);
      expect(value.every((x) => x === value[0])).toBe(true);
      expect(value[0]).toBeGreaterThan(last);
      last = value[0]!;
      received++;
    }
    expect(received).toBeLessThan(posts);
    await sleep(30);
    expect(client.inbox.filter((m) => m.type === "EventAddResponse")).toEqual([]);
  });

  it("is dropped when it does not read for the stuck timeout", async () => {
    await server.close();
    server = await startServer(pvs, { log: (line) => log.push(line), stuckTimeout: 0.2 });
    const pv = pvs.get("R:wave")!;
    const client = await open();
    const { sid } = await client.create("R:wave");
    client.monitor(sid, { dataCount: 0 });
    client.socket.pause();
    for (let i = 0; i < 2000 && server.circuits().length > 0; i++) {
      pv.post(new Float64Array(WAVE).fill(i));
      if (i % 20 === 0) await sleep(1);
    }
    await until(() => server.circuits().length === 0);
    expect(pv.subscriberCount).toBe(0);
    expect(log.some((line) => line.includes("has not read"))).toBe(true);
  });
});

describe("a client that vanishes", () => {
  it("mid-monitor: its subscriptions and channels are freed", async () => {
    const pv = pvs.get("R:ai")!;
    const client = await open();
    const other = await open();
    const { sid } = await client.create("R:ai");
    for (let id = 1; id <= 5; id++) {
      client.monitor(sid, { subscriptionId: id, dataType: DBR.TIME_DOUBLE });
    }
    await client.next("EventAddResponse");
    expect(pv.subscriberCount).toBe(5);
    const posting = setInterval(() => pv.post(Math.random()), 1);
    await sleep(20);
    client.socket.resetAndDestroy();
    await until(() => pv.subscriberCount === 0 && server.circuits().length === 1);
    clearInterval(posting);
    expect(log).toEqual([]);
    const { sid: otherSid } = await other.create("R:ai");
    expect((await other.read(otherSid, DBR.DOUBLE, 1)).ecaStatus).toBe(1);
  });

  it("while its socket is full", async () => {
    const pv = pvs.get("R:wave")!;
    const client = await open();
    const { sid } = await client.create("R:wave");
    client.monitor(sid, { dataCount: 0 });
    client.socket.pause();
    for (let i = 0; i < 1000; i++) {
      pv.post(new Float64Array(WAVE).fill(i));
      if (i % 20 === 0) await sleep(0);
    }
    client.close();
    await until(() => server.circuits().length === 0);
    expect(pv.subscriberCount).toBe(0);
  });
});

describe("a provider that fails", () => {
  /** A PV whose reads throw, or whose posted state cannot be encoded at all. */
  function brokenPv(): { pv: CaPv; post(state: CaPvState): void; failReads: boolean } {
    const listeners = new Set<(update: { state: CaPvState; events: number }) => void>();
    const broken = {
      failReads: false,
      pv: {
        nativeType: DBR.DOUBLE,
        maxCount: 1,
        read: (): CaPvState => {
          if (broken.failReads) throw new Error("the device is gone");
          return { value: 1 };
        },
        subscribe: (listener: (update: { state: CaPvState; events: number }) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      } satisfies CaPv,
      post: (state: CaPvState) => {
        for (const listener of listeners) listener({ state, events: DBE.VALUE });
      },
    };
    return broken;
  }

  it("a first read that throws still answers EVENT_ADD at once, with ECA_GETFAIL", async () => {
    const broken = brokenPv();
    server.close();
    server = await startServer({ "B:pv": broken.pv }, { log: (line) => log.push(line) });
    const client = await open();
    const { sid } = await client.create("B:pv");
    broken.failReads = true;
    client.monitor(sid);
    expect(await client.next("EventAddResponse")).toMatchObject({ ecaStatus: ECA.GETFAIL });
  });

  it("an update that cannot be encoded fails that update, not the server", async () => {
    const broken = brokenPv();
    server.close();
    server = await startServer({ "B:pv": broken.pv }, { log: (line) => log.push(line) });
    const client = await open();
    const { sid } = await client.create("B:pv");
    client.monitor(sid);
    await client.next("EventAddResponse");
    // A value whose length cannot be read: encoding throws a TypeError in the flush.
    const unreadable = Object.defineProperty({}, "length", {
      get: () => {
        throw new TypeError("unreadable");
      },
    });
    broken.post({ value: unreadable as number[] });
    expect(await client.next("EventAddResponse")).toMatchObject({ ecaStatus: ECA.GETFAIL });
    expect(log.some((line) => line.includes('an update of "B:pv" failed'))).toBe(true);
    client.send({ type: "ReadNotifyRequest", sid, ioid: 4, dataType: DBR.DOUBLE, dataCount: 1 });
    expect(await client.next("ReadNotifyResponse")).toMatchObject({ ioid: 4 });
  });
});

describe("a hostile client", () => {
  const cases: Array<[string, (sid: number) => Uint8Array]> = [
    ["an unknown command", () => header(0x7777)],
    ["garbage", () => new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
    [
      "an oversized payload",
      () => {
        const out = new Uint8Array(24);
        writeHeader(out, 0, {
          command: CaCommand.WRITE,
          payloadSize: 50_000_000,
          dataType: 6,
          dataCount: 1,
          parameter1: 1,
          parameter2: 1,
        });
        return out;
      },
    ],
    ["a version below 4.4", () => header(CaCommand.VERSION, { dataCount: 2 })],
    [
      "a truncated EVENT_ADD",
      (sid) => header(CaCommand.EVENT_ADD, { parameter1: sid, payloadSize: 8 }).slice(0, 16),
    ],
  ];

  for (const [what, bytes] of cases) {
    it(`sending ${what} loses its circuit, with one log line; others are served`, async () => {
      const pv = pvs.get("R:ai")!;
      const good = await open();
      const goodChannel = await good.create("R:ai");
      good.monitor(goodChannel.sid);
      await good.next("EventAddResponse");

      const bad = await open();
      const { sid } = await bad.create("R:ai");
      bad.monitor(sid);
      await bad.next("EventAddResponse");
      bad.socket.write(bytes(sid));
      if (what === "a truncated EVENT_ADD") bad.socket.write(new Uint8Array(8));
      await bad.closedByServer();
      expect(log).toHaveLength(1);
      expect(log[0]).toContain("closing the circuit");
      await until(() => pv.subscriberCount === 1);

      pv.post(42);
      expect((await good.next("EventAddResponse")).data?.value).toEqual(Float64Array.of(42));
      expect(server.circuits()).toHaveLength(1);
    });
  }

  it("a request on a SID the circuit does not have gets ERROR ECA_BADCHID, and the circuit stays", async () => {
    const client = await open();
    const { sid } = await client.create("R:ai");
    client.socket.write(
      header(CaCommand.READ_NOTIFY, {
        parameter1: sid + 1000,
        parameter2: 7,
        dataType: 6,
        dataCount: 1,
      }),
    );
    const error = await client.next("ErrorResponse");
    expect(error).toMatchObject({
      ecaStatus: ECA.BADCHID,
      offendingHeader: { command: CaCommand.READ_NOTIFY, parameter1: sid + 1000, parameter2: 7 },
    });
    client.send({ type: "ReadNotifyRequest", sid, ioid: 8, dataType: DBR.DOUBLE, dataCount: 1 });
    expect(await client.next("ReadNotifyResponse")).toMatchObject({ ioid: 8 });
    expect(log).toEqual([]);
  });

  it("a cancel after the channel was cleared is ignored, and the circuit stays", async () => {
    const client = await open();
    const { sid, cid } = await client.create("R:ai");
    const monitor = { sid, subscriptionId: 3, dataType: DBR.DOUBLE, dataCount: 1 };
    client.send({ type: "EventAddRequest", ...monitor, mask: DBE.VALUE });
    await client.next("EventAddResponse");
    client.send({ type: "ClearChannelRequest", sid, cid });
    client.send({ type: "EventCancelRequest", ...monitor });
    await client.next("ClearChannelResponse");
    const again = await client.create("R:ai");
    client.send({
      type: "ReadNotifyRequest",
      sid: again.sid,
      ioid: 9,
      dataType: DBR.DOUBLE,
      dataCount: 1,
    });
    expect(await client.next("ReadNotifyResponse")).toMatchObject({ ioid: 9 });
    expect(log).toEqual([]);
  });

  it("a flood of requests without reading replies does not grow the server without bound", async () => {
    const client = await open();
    const { sid } = await client.create("R:wave");
    client.socket.pause();
    const batch = encodeMessages(
      Array.from({ length: 200 }, (_, i) => ({
        type: "ReadNotifyRequest" as const,
        sid,
        ioid: i,
        dataType: DBR.DOUBLE,
        dataCount: WAVE,
      })),
    );
    let maxBacklog = 0;
    for (let i = 0; i < 100; i++) {
      client.socket.write(batch);
      await sleep(1);
      maxBacklog = Math.max(maxBacklog, server.circuits()[0]?.backlogBytes ?? 0);
    }
    // 20,000 reads of 8 kB would be 160 MB; reading stops once 4 MB wait.
    expect(maxBacklog).toBeLessThan(8_000_000);
  });
});
