import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AccessRights,
  CaClient,
  CaStatusError,
  DBE,
  DBR,
  type DbrData,
} from "../../../src/ca/index.js";
import { startFakeServer, type FakeCaServer } from "./support/fake-server.js";

let server: FakeCaServer;
let client: CaClient;

beforeEach(async () => {
  server = await startFakeServer({
    "sim:temp": {
      type: DBR.DOUBLE,
      value: 21.5,
      units: "degC",
      precision: 2,
      status: 0,
      severity: 0,
      timestamp: { secondsSinceEpoch: 1_000_000_000, nanoseconds: 5 },
      lowerDisplayLimit: -10,
      upperDisplayLimit: 100,
    },
    "sim:mode": { type: DBR.ENUM, value: Uint16Array.of(1), enumStrings: ["Off", "On", "Auto"] },
    "sim:name": { type: DBR.STRING, value: "hello" },
    "sim:wave": { type: DBR.DOUBLE, value: Float64Array.from({ length: 1000 }, (_, i) => i / 2) },
    "sim:ro": { type: DBR.LONG, value: 7, access: AccessRights.READ },
  });
  client = new CaClient({ env: server.env, name: "tester", host: "testhost" });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe("CaClient against a well-behaved server", () => {
  it("searches, opens one circuit with VERSION, HOST_NAME and CLIENT_NAME, creates the channel", async () => {
    const channel = client.channel("sim:temp");
    expect(channel.state).toBe("searching");
    await channel.connected();
    expect(channel.state).toBe("connected");
    expect(channel.nativeType).toBe(DBR.DOUBLE);
    expect(channel.nativeCount).toBe(1);
    expect(channel.server).toBe(`127.0.0.1:${server.tcpPort}`);
    expect(channel.accessRights).toEqual({ read: true, write: true });
    const tcp = server.received.filter((r) => r.via === "tcp").map((r) => r.message.type);
    expect(tcp.slice(0, 4)).toEqual([
      "VersionRequest",
      "HostNameRequest",
      "ClientNameRequest",
      "CreateChanRequest",
    ]);
    expect(server.messages("HostNameRequest")[0]!.name).toBe("testhost");
    expect(server.messages("ClientNameRequest")[0]!.name).toBe("tester");
    const udp = server.received.filter((r) => r.via === "udp").map((r) => r.message.type);
    // The repeater registration goes to EPICS_CA_REPEATER_PORT, which the test points here.
    expect(udp.filter((t) => t !== "RepeaterRegisterRequest").slice(0, 2)).toEqual([
      "UdpVersionRequest",
      "SearchRequest",
    ]);
  });

  it("batches many names into one search datagram and shares one circuit", async () => {
    const names = ["sim:temp", "sim:mode", "sim:name", "sim:wave", "sim:ro"];
    const channels = names.map((n) => client.channel(n));
    await Promise.all(channels.map((c) => c.connected()));
    expect(server.messages("UdpVersionRequest")).toHaveLength(1);
    expect(server.messages("SearchRequest").map((m) => m.name)).toEqual(names);
    expect(server.circuits.size).toBe(1);
    expect(client.circuits).toEqual([`127.0.0.1:${server.tcpPort}`]);
  });

  it("gets the plain value, the time form and the ctrl form", async () => {
    const channel = client.channel("sim:temp");
    expect((await channel.get()).value).toEqual(Float64Array.of(21.5));
    const time = await channel.get({ type: "time" });
    expect(time.timestamp).toEqual({ secondsSinceEpoch: 1_000_000_000, nanoseconds: 5 });
    expect(time.severity).toBe(0);
    const ctrl = await channel.get({ type: "ctrl" });
    expect(ctrl).toMatchObject({ units: "degC", precision: 2, upperDisplayLimit: 100 });
    const text = await channel.get({ type: DBR.STRING });
    expect(text.value).toEqual(["21.50"]);
  });

  it("gets enums with their states and strings", async () => {
    const mode = client.channel("sim:mode");
    expect((await mode.get({ type: "ctrl" })).enumStrings).toEqual(["Off", "On", "Auto"]);
    expect((await mode.get({ type: DBR.STRING })).value).toEqual(["On"]);
    expect((await client.channel("sim:name").get()).value).toEqual(["hello"]);
  });

  it("gets an array as a typed array, with an explicit count too", async () => {
    const wave = client.channel("sim:wave");
    const data = await wave.get();
    expect(data.value).toBeInstanceOf(Float64Array);
    expect(data.value).toHaveLength(1000);
    expect(data.value[999]).toBe(499.5);
    expect((await wave.get({ count: 10 })).value).toHaveLength(10);
  });

  it("pipelines many gets on one circuit, each with its own IOID", async () => {
    const channel = client.channel("sim:temp");
    await channel.connected();
    const results = await Promise.all(Array.from({ length: 500 }, () => channel.get()));
    expect(results.every((r) => r.value[0] === 21.5)).toBe(true);
    const ioids = new Set(server.messages("ReadNotifyRequest").map((m) => m.ioid));
    expect(ioids.size).toBe(500);
  });

  it("puts without waiting (WRITE), with waiting (WRITE_NOTIFY), text to an enum", async () => {
    const temp = client.channel("sim:temp");
    await temp.put(30);
    await server.waitFor("WriteRequest");
    expect((await temp.get()).value[0]).toBe(30);
    await temp.put(31.25, { wait: true });
    expect(server.messages("WriteNotifyRequest")).toHaveLength(1);
    expect(server.pvs.get("sim:temp")!.value).toEqual(Float64Array.of(31.25));
    const mode = client.channel("sim:mode");
    await mode.put("Auto", { wait: true });
    expect(server.messages("WriteNotifyRequest")[1]!.dataType).toBe(DBR.STRING);
    expect((await mode.get()).value[0]).toBe(2);
  });

  it("a put with wait resolves only when the server completes it", async () => {
    server.holdPuts.add("sim:temp");
    const temp = client.channel("sim:temp");
    let done = false;
    const put = temp.put(5, { wait: true }).then(() => (done = true));
    await new Promise((resolve) => server.once("held", resolve));
    expect(done).toBe(false);
    server.completePuts();
    await put;
    expect(done).toBe(true);
  });

  it("a put with wait that the server fails is a CaStatusError naming the PV and the ECA code", async () => {
    server.holdPuts.add("sim:temp");
    const temp = client.channel("sim:temp");
    const put = temp.put(5, { wait: true });
    await new Promise((resolve) => server.once("held", resolve));
    server.completePuts(160);
    const error = await put.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaStatusError);
    expect((error as CaStatusError).message).toBe("sim:temp: put failed with ECA_PUTFAIL");
    expect((error as CaStatusError).ecaName).toBe("ECA_PUTFAIL");
  });

  it("refuses a put without write access before sending it", async () => {
    const ro = client.channel("sim:ro");
    await ro.connected();
    expect(ro.accessRights).toEqual({ read: true, write: false });
    await expect(ro.put(1)).rejects.toThrow("sim:ro: put failed with ECA_NOWTACCESS");
    expect(server.messages("WriteRequest")).toHaveLength(0);
  });

  it("an ERROR about a plain WRITE reaches the channel's error listeners", async () => {
    server.pvs.get("sim:ro")!.access = AccessRights.READ | AccessRights.WRITE;
    const ro = client.channel("sim:ro");
    await ro.connected();
    server.pvs.get("sim:ro")!.access = AccessRights.READ;
    const error = new Promise<Error>((resolve) => ro.on("error", resolve));
    await ro.put(3);
    expect((await error).message).toBe(
      "sim:ro: put failed with ECA_NOWTACCESS: write access denied",
    );
  });

  it("monitors: the first update at once, then every post; cancel sends EVENT_CANCEL", async () => {
    const temp = client.channel("sim:temp");
    const updates: DbrData[] = [];
    let seen: () => void = () => undefined;
    const subscription = temp.monitor({ mask: DBE.VALUE | DBE.ALARM }, (data) => {
      updates.push(data);
      seen();
    });
    const next = (): Promise<void> => new Promise((resolve) => (seen = resolve));
    await next();
    expect(updates[0]!.value[0]).toBe(21.5);
    expect(updates[0]!.timestamp).toBeDefined();
    expect(subscription.typeName).toBe("DBR_TIME_DOUBLE");
    const [add] = await server.waitFor("EventAddRequest");
    expect(add!.mask).toBe(DBE.VALUE | DBE.ALARM);
    for (const v of [1, 2, 3]) {
      const arrived = next();
      server.post("sim:temp", v);
      await arrived;
    }
    expect(updates.map((u) => u.value[0])).toEqual([21.5, 1, 2, 3]);
    subscription.cancel();
    await server.waitFor("EventCancelRequest");
    expect(server.circuits.values().next().value!.subscriptions.size).toBe(0);
  });

  it("close() clears the channel on the server and fails its later requests", async () => {
    const temp = client.channel("sim:temp");
    await temp.connected();
    temp.close();
    await server.waitFor("ClearChannelRequest");
    expect(temp.state).toBe("closed");
    await expect(temp.get()).rejects.toThrow("sim:temp: get failed: the channel is closed");
  });

  it("closing the client fails the requests in flight, naming their PVs", async () => {
    server.holdReads.add("sim:temp");
    const temp = client.channel("sim:temp");
    const pending = temp.get().catch((e: unknown) => e);
    await new Promise((resolve) => server.once("held", resolve));
    await client.close();
    expect(String(await pending)).toBe("CaClosedError: sim:temp: get failed: the client is closed");
    expect(() => client.channel("sim:temp")).toThrow(
      "sim:temp: channel failed: the client is closed",
    );
  });

  it("a value that cannot be sent as the chosen type fails the put, naming the PV", async () => {
    const temp = client.channel("sim:temp");
    await expect(temp.put("not a number", { type: DBR.DOUBLE })).rejects.toThrow(
      /^sim:temp: put failed with ECA_NOCONVERT: "not a number" is not a number/,
    );
  });

  it("takes a search reply's address as given, and 0xFFFFFFFF as the datagram's source", async () => {
    server.replyAddress = 0xffffffff;
    await client.channel("sim:temp").connected();
    await client.close();
    server.replyAddress = 0x7f000001;
    client = new CaClient({ env: server.env });
    await client.channel("sim:temp").connected();
  });
});
