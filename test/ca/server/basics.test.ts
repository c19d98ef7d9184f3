// Search, create, read, write and monitor against the server, over loopback with raw sockets.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AccessRights,
  CaPvError,
  DBE,
  DBR,
  ECA,
  encodeMessages,
  SoftPv,
  type CaServer,
} from "../../../src/ca/index.js";
import { RawClient, sleep, startServer, udpExchange } from "./helpers.js";

let server: CaServer;
let clients: RawClient[] = [];
let pvs: Map<string, SoftPv>;

async function open(minorVersion = 13): Promise<RawClient> {
  const client = await RawClient.open(server.tcpPort, minorVersion);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  pvs = new Map([
    [
      "T:ai",
      new SoftPv({
        value: 3.14159,
        metadata: { precision: 3, units: "mm", upperDisplayLimit: 10, lowerDisplayLimit: -10 },
      }),
    ],
    ["T:mode", new SoftPv({ value: 1, metadata: { enumStrings: ["Off", "On", "Auto"] } })],
    ["T:text", new SoftPv({ value: "hello" })],
    ["T:wave", new SoftPv({ value: new Int32Array([1, 2, 3, 4]), maxCount: 8 })],
    ["T:ro", new SoftPv({ value: 5, writable: false })],
  ]);
  server = await startServer(pvs);
});

afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await server.close();
});

describe("search", () => {
  it("answers a found name with the TCP port, after a VERSION echoing the sequence", async () => {
    const replies = await udpExchange(
      server.udpPort,
      encodeMessages([
        { type: "UdpVersionRequest", minorVersion: 13, sequenceNumber: 4242 },
        { type: "SearchRequest", name: "T:ai", cid: 7, minorVersion: 13, replyIfNotFound: false },
        { type: "SearchRequest", name: "nope", cid: 8, minorVersion: 13, replyIfNotFound: false },
        { type: "SearchRequest", name: "T:mode", cid: 9, minorVersion: 13, replyIfNotFound: true },
        { type: "SearchRequest", name: "nope2", cid: 10, minorVersion: 13, replyIfNotFound: true },
      ]),
    );
    expect(replies).toHaveLength(1);
    const [version, ...rest] = replies[0]!.messages;
    expect(version).toEqual({ type: "UdpVersionResponse", minorVersion: 13, sequenceNumber: 4242 });
    expect(rest).toEqual([
      {
        type: "SearchResponse",
        cid: 7,
        port: server.tcpPort,
        serverAddress: 0x7f000001,
        minorVersion: 13,
      },
      {
        type: "SearchResponse",
        cid: 9,
        port: server.tcpPort,
        serverAddress: 0x7f000001,
        minorVersion: 13,
      },
      { type: "NotFoundResponse", cid: 10, minorVersion: 13 },
    ]);
  });

  it("batches many replies into datagrams of at most 1472 bytes", async () => {
    for (let i = 0; i < 200; i++) pvs.set(`B:${i}`, new SoftPv({ value: i }));
    const searches = Array.from({ length: 200 }, (_, i) => ({
      type: "SearchRequest" as const,
      name: `B:${i}`,
      cid: i,
      minorVersion: 13,
      replyIfNotFound: false,
    }));
    const replies = await udpExchange(
      server.udpPort,
      encodeMessages([
        { type: "UdpVersionRequest", minorVersion: 13, sequenceNumber: 1 },
        ...searches,
      ]),
    );
    const found = replies.flatMap((r) => r.messages).filter((m) => m.type === "SearchResponse");
    expect(found.map((m) => (m as { cid: number }).cid).sort((a, b) => a - b)).toEqual(
      searches.map((s) => s.cid),
    );
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.length).toBeLessThan(10);
    for (const reply of replies) {
      expect(reply.size).toBeLessThanOrEqual(1472);
      expect(reply.messages[0]!.type).toBe("UdpVersionResponse");
    }
  });

  it("ignores garbage datagrams and keeps answering", async () => {
    expect(await udpExchange(server.udpPort, new Uint8Array([1, 2, 3]), 50)).toEqual([]);
    const replies = await udpExchange(
      server.udpPort,
      encodeMessages([
        { type: "SearchRequest", name: "T:ai", cid: 1, minorVersion: 13, replyIfNotFound: true },
      ]),
    );
    expect(replies[0]!.messages[1]!.type).toBe("SearchResponse");
  });
});

describe("channels", () => {
  it("creates a channel: ACCESS_RIGHTS then CREATE_CHAN with the native type and count", async () => {
    const client = await open();
    expect(await client.create("T:ai")).toMatchObject({
      nativeType: DBR.DOUBLE,
      nativeCount: 1,
      rights: AccessRights.READ_WRITE,
    });
    expect(await client.create("T:wave")).toMatchObject({ nativeType: DBR.LONG, nativeCount: 8 });
    expect(await client.create("T:ro")).toMatchObject({ rights: AccessRights.READ });
  });

  it("answers CREATE_CH_FAIL for an unknown name", async () => {
    const client = await open();
    client.send({ type: "CreateChanRequest", name: "missing", cid: 99, minorVersion: 13 });
    expect(await client.next("CreateChFailResponse")).toEqual({
      type: "CreateChFailResponse",
      cid: 99,
    });
  });

  it("echoes CLEAR_CHANNEL and frees the channel's subscriptions", async () => {
    const client = await open();
    const pv = pvs.get("T:ai")!;
    const { sid, cid } = await client.create("T:ai");
    client.monitor(sid);
    await client.next("EventAddResponse");
    expect(pv.subscriberCount).toBe(1);
    client.send({ type: "ClearChannelRequest", sid, cid });
    expect(await client.next("ClearChannelResponse")).toEqual({
      type: "ClearChannelResponse",
      sid,
      cid,
    });
    expect(pv.subscriberCount).toBe(0);
    pv.post(1);
    client.send({ type: "EchoRequest" });
    await client.next("EchoResponse");
    expect(client.inbox.filter((m) => m.type === "EventAddResponse")).toEqual([]);
  });

  it("sends SERVER_DISCONN for a PV that goes away", async () => {
    const client = await open();
    const { cid, sid } = await client.create("T:ai");
    expect(server.disconnectChannels("T:ai")).toBe(1);
    expect(await client.next("ServerDisconnResponse")).toEqual({
      type: "ServerDisconnResponse",
      cid,
    });
    // A late request on that SID is not a protocol fault.
    client.send({ type: "ReadNotifyRequest", sid, ioid: 1, dataType: DBR.DOUBLE, dataCount: 1 });
    client.send({ type: "EchoRequest" });
    await client.next("EchoResponse");
    expect(client.closed).toBe(false);
  });
});

describe("reads", () => {
  it("reads in several DBR forms, converted with precision and enum strings", async () => {
    const client = await open();
    const ai = await client.create("T:ai");
    expect((await client.read(ai.sid, DBR.DOUBLE, 1)).data?.value).toEqual(
      Float64Array.of(3.14159),
    );
    expect((await client.read(ai.sid, DBR.STRING, 1)).data?.value).toEqual(["3.142"]);
    expect((await client.read(ai.sid, DBR.LONG, 1)).data?.value).toEqual(Int32Array.of(3));
    const ctrl = await client.read(ai.sid, DBR.CTRL_DOUBLE, 1);
    expect(ctrl).toMatchObject({ ecaStatus: ECA.NORMAL, dataCount: 1 });
    expect(ctrl.data).toMatchObject({ units: "mm", precision: 3, upperDisplayLimit: 10 });
    const time = await client.read(ai.sid, DBR.TIME_DOUBLE, 1);
    expect(time.data?.timestamp?.secondsSinceEpoch).toBeGreaterThan(1e9);
    expect((await client.read(ai.sid, DBR.CLASS_NAME, 1)).data?.value).toEqual(["ai"]);

    const mode = await client.create("T:mode");
    expect(mode.nativeType).toBe(DBR.ENUM);
    expect((await client.read(mode.sid, DBR.STRING, 1)).data?.value).toEqual(["On"]);
    expect((await client.read(mode.sid, DBR.CTRL_ENUM, 1)).data?.enumStrings).toEqual([
      "Off",
      "On",
      "Auto",
    ]);

    const text = await client.create("T:text");
    expect((await client.read(text.sid, DBR.TIME_STRING, 1)).data?.value).toEqual(["hello"]);
    // Text that is no number: the read fails as dbGet's does.
    expect((await client.read(text.sid, DBR.DOUBLE, 1)).ecaStatus).toBe(ECA.GETFAIL);
  });

  it("answers every one of the 39 DBR types", async () => {
    const client = await open();
    const { sid } = await client.create("T:ai");
    for (let type = 0; type <= 38; type++) {
      const reply = await client.read(sid, type, 1, 1000 + type);
      const expected = type === DBR.PUT_ACKT || type === DBR.PUT_ACKS ? ECA.BADTYPE : ECA.NORMAL;
      expect(reply.ecaStatus, `type ${type}`).toBe(expected);
    }
  });

  it("count 0 gives the current length; a larger count pads with zeros", async () => {
    const client = await open();
    const { sid } = await client.create("T:wave");
    const current = await client.read(sid, DBR.LONG, 0);
    expect(current.dataCount).toBe(4);
    expect(current.data?.value).toEqual(Int32Array.of(1, 2, 3, 4));
    const padded = await client.read(sid, DBR.DOUBLE, 6);
    expect(padded.data?.value).toEqual(Float64Array.of(1, 2, 3, 4, 0, 0));
    const huge = await client.read(sid, DBR.DOUBLE, 0x7fffffff);
    expect(huge.ecaStatus).toBe(ECA.TOLARGE);
  });

  it("answers a client below V4.9 with ECA_16KARRAYCLIENT for a large array", async () => {
    pvs.set("T:big", new SoftPv({ value: new Float64Array(10000) }));
    const client = await open(8);
    const { sid } = await client.create("T:big");
    // CREATE_CHAN carried minor version 13; a VERSION says 8.
    client.send({ type: "VersionRequest", priority: 0, minorVersion: 8 });
    expect((await client.read(sid, DBR.DOUBLE, 10000)).ecaStatus).toBe(ECA["16KARRAYCLIENT"]);
    const modern = await open();
    const channel = await modern.create("T:big");
    const reply = await modern.read(channel.sid, DBR.DOUBLE, 0);
    expect(reply.ecaStatus).toBe(ECA.NORMAL);
    expect(reply.data?.value.length).toBe(10000);
  });
});

describe("writes", () => {
  it("WRITE_NOTIFY answers when the write handler's promise settles", async () => {
    let finish: () => void = () => {};
    const seen: unknown[] = [];
    pvs.set(
      "T:motor",
      new SoftPv({
        value: 0,
        onWrite: (value, client) => {
          seen.push(value[0], client.user, client.host);
          return new Promise<void>((resolve) => (finish = resolve));
        },
      }),
    );
    const client = await open();
    const { sid } = await client.create("T:motor");
    client.send({
      type: "WriteNotifyRequest",
      sid,
      ioid: 5,
      dataType: DBR.STRING,
      dataCount: 1,
      data: { value: ["2.5"] },
    });
    await sleep(50);
    expect(client.inbox.some((m) => m.type === "WriteNotifyResponse")).toBe(false);
    expect(seen).toEqual([2.5, "tester", "testhost"]);
    finish();
    expect(await client.next("WriteNotifyResponse")).toMatchObject({
      ioid: 5,
      ecaStatus: ECA.NORMAL,
      dataType: DBR.STRING,
      dataCount: 1,
    });
    expect((await client.read(sid, DBR.DOUBLE, 1)).data?.value).toEqual(Float64Array.of(2.5));
  });

  it("converts strings to enum states and reports refusals with their ECA", async () => {
    pvs.set(
      "T:picky",
      new SoftPv({
        value: 0,
        onWrite: (value) => {
          if (Number(value[0]) < 0) throw new CaPvError("negative", ECA.PUTFAIL);
          if (Number(value[0]) > 100) return Promise.reject(new Error("too far"));
        },
      }),
    );
    const client = await open();
    const mode = await client.create("T:mode");
    const write = (sid: number, ioid: number, dataType: number, value: string | number) =>
      client.send({
        type: "WriteNotifyRequest",
        sid,
        ioid,
        dataType,
        dataCount: 1,
        data: { value },
      });
    write(mode.sid, 1, DBR.STRING, "Auto");
    expect((await client.next("WriteNotifyResponse", (m) => m.ioid === 1)).ecaStatus).toBe(
      ECA.NORMAL,
    );
    expect(pvs.get("T:mode")!.value).toEqual(Uint16Array.of(2));
    write(mode.sid, 2, DBR.STRING, "Bogus");
    expect((await client.next("WriteNotifyResponse", (m) => m.ioid === 2)).ecaStatus).toBe(
      ECA.PUTFAIL,
    );

    const picky = await client.create("T:picky");
    write(picky.sid, 3, DBR.DOUBLE, -1);
    expect((await client.next("WriteNotifyResponse", (m) => m.ioid === 3)).ecaStatus).toBe(
      ECA.PUTFAIL,
    );
    write(picky.sid, 4, DBR.DOUBLE, 1000);
    expect((await client.next("WriteNotifyResponse", (m) => m.ioid === 4)).ecaStatus).toBe(
      ECA.PUTFAIL,
    );

    const ro = await client.create("T:ro");
    write(ro.sid, 5, DBR.DOUBLE, 1);
    expect((await client.next("WriteNotifyResponse", (m) => m.ioid === 5)).ecaStatus).toBe(
      ECA.NOWTACCESS,
    );
  });

  it("WRITE has no reply; a failed one comes back as ERROR", async () => {
    const client = await open();
    const ai = await client.create("T:ai");
    client.send({
      type: "WriteRequest",
      sid: ai.sid,
      ioid: 1,
      dataType: DBR.DOUBLE,
      dataCount: 1,
      data: { value: 7 },
    });
    const ro = await client.create("T:ro");
    client.send({
      type: "WriteRequest",
      sid: ro.sid,
      ioid: 2,
      dataType: DBR.DOUBLE,
      dataCount: 1,
      data: { value: 7 },
    });
    const error = await client.next("ErrorResponse");
    expect(error).toMatchObject({ cid: ro.cid, ecaStatus: ECA.NOWTACCESS });
    expect(error.offendingHeader).toMatchObject({ command: 4, parameter1: ro.sid, parameter2: 2 });
    expect(pvs.get("T:ai")!.value).toEqual(Float64Array.of(7));
    expect(client.inbox.filter((m) => m.type === "WriteNotifyResponse")).toEqual([]);
  });

  it("re-sends ACCESS_RIGHTS when the client's name changes them", async () => {
    pvs.set(
      "T:guarded",
      new SoftPv({
        value: 0,
        accessRights: (who) =>
          who.user === "operator" ? AccessRights.READ_WRITE : AccessRights.READ,
      }),
    );
    const client = await open();
    const channel = await client.create("T:guarded");
    expect(channel.rights).toBe(AccessRights.READ);
    client.send({ type: "ClientNameRequest", name: "operator" });
    expect(await client.next("AccessRightsResponse")).toEqual({
      type: "AccessRightsResponse",
      cid: channel.cid,
      accessRights: AccessRights.READ_WRITE,
    });
  });
});

it("re-sends ACCESS_RIGHTS when the server is told the rules changed", async () => {
  let locked = false;
  pvs.set(
    "T:lockable",
    new SoftPv({
      value: 0,
      accessRights: () => (locked ? AccessRights.READ : AccessRights.READ_WRITE),
    }),
  );
  const client = await open();
  const channel = await client.create("T:lockable");
  expect(channel.rights).toBe(AccessRights.READ_WRITE);
  locked = true;
  server.refreshAccessRights();
  expect((await client.next("AccessRightsResponse")).accessRights).toBe(AccessRights.READ);
  client.send({
    type: "WriteNotifyRequest",
    sid: channel.sid,
    ioid: 1,
    dataType: DBR.DOUBLE,
    dataCount: 1,
    data: { value: 1 },
  });
  expect((await client.next("WriteNotifyResponse")).ecaStatus).toBe(ECA.NOWTACCESS);
});

describe("monitors", () => {
  it("a count-0 subscription follows the array's current length", async () => {
    const wave = pvs.get("T:wave")!;
    const client = await open();
    const { sid } = await client.create("T:wave");
    client.monitor(sid, { dataType: DBR.TIME_LONG, dataCount: 0 });
    expect((await client.next("EventAddResponse")).dataCount).toBe(4);
    wave.post([5, 6, 7, 8, 9, 10]);
    const update = await client.next("EventAddResponse");
    expect(update.dataCount).toBe(6);
    expect(update.data?.value).toEqual(Int32Array.of(5, 6, 7, 8, 9, 10));
  });

  it("a client without read access gets ECA_NORDACCESS, not the value", async () => {
    pvs.set("T:secret", new SoftPv({ value: 1, accessRights: () => AccessRights.NONE }));
    const client = await open();
    const { sid, rights } = await client.create("T:secret");
    expect(rights).toBe(AccessRights.NONE);
    expect((await client.read(sid, DBR.DOUBLE, 1)).ecaStatus).toBe(ECA.NORDACCESS);
    client.monitor(sid);
    const update = await client.next("EventAddResponse");
    expect(update.ecaStatus).toBe(ECA.NORDACCESS);
    expect(update.data).toBeNull();
  });

  it("sends the first update at once, then updates by mask; EVENT_CANCEL is confirmed", async () => {
    const pv = pvs.get("T:ai")!;
    const client = await open();
    const { sid } = await client.create("T:ai");
    client.send(
      {
        type: "EventAddRequest",
        sid,
        subscriptionId: 1,
        dataType: DBR.TIME_DOUBLE,
        dataCount: 1,
        mask: DBE.VALUE,
      },
      {
        type: "EventAddRequest",
        sid,
        subscriptionId: 2,
        dataType: DBR.STS_DOUBLE,
        dataCount: 1,
        mask: DBE.ALARM,
      },
      {
        type: "EventAddRequest",
        sid,
        subscriptionId: 3,
        dataType: DBR.CTRL_DOUBLE,
        dataCount: 1,
        mask: DBE.PROPERTY,
      },
    );
    for (const id of [1, 2, 3]) {
      expect(
        (await client.next("EventAddResponse", (m) => m.subscriptionId === id)).data?.value,
      ).toEqual(Float64Array.of(3.14159));
    }
    pv.post(1);
    pv.post(1, { severity: 2, status: 3 });
    pv.post(undefined, { units: "um" });
    const value = await client.next("EventAddResponse", (m) => m.subscriptionId === 1);
    expect(value.data?.value).toEqual(Float64Array.of(1));
    const alarm = await client.next("EventAddResponse", (m) => m.subscriptionId === 2);
    expect(alarm.data).toMatchObject({ severity: 2, status: 3 });
    const property = await client.next("EventAddResponse", (m) => m.subscriptionId === 3);
    expect(property.data?.units).toBe("um");
    client.send({
      type: "EventCancelRequest",
      sid,
      subscriptionId: 1,
      dataType: DBR.TIME_DOUBLE,
      dataCount: 1,
    });
    expect(await client.next("EventCancelResponse")).toMatchObject({ subscriptionId: 1 });
    expect(pv.subscriberCount).toBe(2);
    pv.post(2);
    client.send({ type: "EchoRequest" });
    await client.next("EchoResponse");
    expect(client.inbox.filter((m) => m.type === "EventAddResponse")).toEqual([]);
  });

  it("delivers every update to a client that keeps up", async () => {
    const pv = pvs.get("T:ai")!;
    const client = await open();
    const { sid } = await client.create("T:ai");
    client.monitor(sid);
    await client.next("EventAddResponse");
    for (let i = 1; i <= 5000; i++) {
      pv.post(i);
      if (i % 100 === 0) await sleep(0);
    }
    const seen: number[] = [];
    while (seen.length < 5000) {
      seen.push((await client.next("EventAddResponse")).data!.value[0] as number);
    }
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
  });

  it("EVENTS_OFF keeps only the latest update per subscription; EVENTS_ON sends it", async () => {
    const pv = pvs.get("T:ai")!;
    const client = await open();
    const { sid } = await client.create("T:ai");
    client.monitor(sid);
    await client.next("EventAddResponse");
    client.send({ type: "EventsOffRequest" }, { type: "EchoRequest" });
    await client.next("EchoResponse");
    for (let i = 1; i <= 100; i++) pv.post(i);
    await sleep(30);
    expect(client.inbox.filter((m) => m.type === "EventAddResponse")).toEqual([]);
    expect(server.circuits()[0]).toMatchObject({ eventsOff: true, pendingMonitors: 1 });
    client.send({ type: "EventsOnRequest" });
    const update = await client.next("EventAddResponse");
    expect(update.data?.value).toEqual(Float64Array.of(100));
    await sleep(30);
    expect(client.inbox.filter((m) => m.type === "EventAddResponse")).toEqual([]);
  });
});
