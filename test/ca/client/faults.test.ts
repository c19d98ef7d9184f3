import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  CaClient,
  CaDisconnectedError,
  CaStatusError,
  CaTimeoutError,
  DBR,
  type CaChannel,
  type DbrData,
} from "../../../src/ca/index.js";
import { FlowControl } from "../../../src/ca/client/flow-control.js";
import { FakeCaServer, startFakeServer } from "./support/fake-server.js";

let server: FakeCaServer;
let client: CaClient;

beforeEach(async () => {
  server = await startFakeServer({
    "sim:temp": { type: DBR.DOUBLE, value: 21.5 },
    "sim:other": { type: DBR.LONG, value: 3 },
  });
  client = new CaClient({ env: server.env });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

function nextEvent(channel: CaChannel, event: "connect" | "disconnect"): Promise<unknown[]> {
  return new Promise((resolve) => {
    const off = channel.on(event, (...args: unknown[]) => {
      off();
      resolve(args);
    });
  });
}

/** A monitor whose updates can be awaited one by one. */
function watch(channel: CaChannel): { values: number[]; next: () => Promise<DbrData> } {
  const values: number[] = [];
  const waiting: ((data: DbrData) => void)[] = [];
  const queued: DbrData[] = [];
  channel.monitor((data) => {
    values.push(data.value[0] as number);
    const waiter = waiting.shift();
    if (waiter) waiter(data);
    else queued.push(data);
  });
  return {
    values,
    next: () => {
      const ready = queued.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

describe("slow and missing answers", () => {
  it("a get with no reply fails with a CaTimeoutError naming the PV and the request", async () => {
    server.holdReads.add("sim:temp");
    const temp = client.channel("sim:temp");
    const error = await temp.get({ timeout: 0.1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaTimeoutError);
    expect((error as Error).message).toBe("sim:temp: no reply to a get (DBR_DOUBLE) within 0.1 s");
    // The late reply is dropped; the channel keeps working.
    server.holdReads.clear();
    server.releaseReads();
    expect((await temp.get()).value[0]).toBe(21.5);
  });

  it("a name no server has times out naming the PV and the searches", async () => {
    const error = await client
      .channel("sim:nobody")
      .connected(0.2)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaTimeoutError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^sim:nobody: no connection within 0.2 s \\(\\d+ searches to 127.0.0.1:${server.udpPort} unanswered\\)$`,
      ),
    );
  });

  it("a get on a channel that never connects names the connection it waited for", async () => {
    await expect(client.channel("sim:nobody").get({ timeout: 0.1 })).rejects.toThrow(
      /^sim:nobody: no connection for a get within 0.1 s/,
    );
  });

  it("a put with wait that never completes times out naming the PV", async () => {
    server.holdPuts.add("sim:temp");
    await expect(client.channel("sim:temp").put(1, { wait: true, timeout: 0.1 })).rejects.toThrow(
      "sim:temp: no completion of a put within 0.1 s",
    );
  });
});

describe("dropped circuits", () => {
  it("channels go disconnected, pending requests fail, then they reconnect and monitors resume", async () => {
    const temp = client.channel("sim:temp");
    const other = client.channel("sim:other");
    const monitor = watch(temp);
    expect((await monitor.next()).value[0]).toBe(21.5);
    await other.connected();
    server.holdReads.add("sim:other");
    const pending = other.get().catch((e: unknown) => e);
    await new Promise((resolve) => server.once("held", resolve));

    const disconnected = nextEvent(temp, "disconnect");
    const reconnected = nextEvent(temp, "connect");
    server.holdReads.clear();
    server.dropCircuits();
    expect((await disconnected)[0]).toMatch(/closed the circuit|ECONNRESET/);
    const failure = await pending;
    expect(failure).toBeInstanceOf(CaDisconnectedError);
    expect((failure as Error).message).toMatch(/^sim:other: get failed: 127.0.0.1:\d+/);

    await reconnected;
    expect((await monitor.next()).value[0]).toBe(21.5);
    expect(server.messages("EventAddRequest")).toHaveLength(2);
    server.post("sim:temp", 99);
    expect((await monitor.next()).value[0]).toBe(99);
    expect((await other.get()).value[0]).toBe(3);
  });

  it("reconnects to a server restarted on the same ports", async () => {
    const temp = client.channel("sim:temp");
    const monitor = watch(temp);
    await monitor.next();
    const ports = { udp: server.udpPort, tcp: server.tcpPort };
    const disconnected = nextEvent(temp, "disconnect");
    await server.close();
    await disconnected;
    server = await new FakeCaServer().add("sim:temp", { type: DBR.DOUBLE, value: 7 }).start(ports);
    expect((await monitor.next()).value[0]).toBe(7);
  });
});

describe("a server whose TCP port refuses", () => {
  it("the channel keeps searching with back-off; the timeout names the refused circuit", async () => {
    const closed = await new FakeCaServer().start();
    const refusedPort = closed.tcpPort;
    await closed.close();
    server.replyPort = refusedPort;
    const error = await client
      .channel("sim:temp")
      .connected(0.3)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^sim:temp: no connection within 0.3 s \\(127.0.0.1:${refusedPort}: connect ECONNREFUSED`,
      ),
    );
    // Backing off: a handful of searches in 0.3 s, not one per refused connection attempt.
    const searches = server.messages("SearchRequest").length;
    expect(searches).toBeGreaterThan(1);
    expect(searches).toBeLessThan(8);
  });
});

describe("malformed answers", () => {
  it("bytes that are no CA message close the circuit; the channel reconnects and works", async () => {
    const temp = client.channel("sim:temp");
    await temp.connected();
    server.holdReads.add("sim:temp");
    const pending = temp.get().catch((e: unknown) => e);
    await new Promise((resolve) => server.once("held", resolve));
    const reconnected = nextEvent(temp, "connect");
    server.holdReads.clear();
    server.sendRaw(Uint8Array.from([0x77, 0x77, ...new Array<number>(14).fill(0)]));
    const failure = await pending;
    expect(failure).toBeInstanceOf(CaDisconnectedError);
    expect((failure as Error).message).toMatch(
      /^sim:temp: get failed: .* sent a malformed message/,
    );
    await reconnected;
    expect((await temp.get()).value[0]).toBe(21.5);
  });

  it("a reply with a DBR type that does not exist fails that get only", async () => {
    const temp = client.channel("sim:temp");
    await temp.connected();
    server.holdReads.add("sim:temp");
    const pending = temp.get().catch((e: unknown) => e);
    await new Promise((resolve) => server.once("held", resolve));
    const { request } = server.heldReads.pop()!;
    const bad = new Uint8Array(24);
    const view = new DataView(bad.buffer);
    view.setUint16(0, 15); // READ_NOTIFY
    view.setUint16(2, 8);
    view.setUint16(4, 99); // no such DBR type
    view.setUint16(6, 1);
    view.setUint32(8, 1); // ECA_NORMAL
    view.setUint32(12, request.ioid);
    server.sendRaw(bad);
    const failure = await pending;
    expect(failure).toBeInstanceOf(CaStatusError);
    expect((failure as Error).message).toBe("sim:temp: get failed with ECA_BADTYPE");
    server.holdReads.clear();
    expect((await temp.get()).value[0]).toBe(21.5);
    expect(temp.state).toBe("connected");
  });
});

describe("the server refusing or dropping a channel", () => {
  it("CREATE_CH_FAIL: the channel searches again and connects when the server accepts", async () => {
    server.refuseCreate.set("sim:temp", 1);
    const temp = client.channel("sim:temp");
    await temp.connected();
    expect(server.messages("CreateChanRequest")).toHaveLength(2);
  });

  it("CREATE_CH_FAIL every time: the connection timeout says the server refused", async () => {
    server.refuseCreate.set("sim:temp", Infinity);
    await expect(client.channel("sim:temp").connected(0.2)).rejects.toThrow(
      /^sim:temp: no connection within 0.2 s \(127.0.0.1:\d+ refused to create it \(CREATE_CH_FAIL\);/,
    );
  });

  it("SERVER_DISCONN: disconnect, re-search, reconnect, monitors resume; the circuit stays", async () => {
    const temp = client.channel("sim:temp");
    const other = client.channel("sim:other");
    await other.connected();
    const monitor = watch(temp);
    await monitor.next();
    const disconnected = nextEvent(temp, "disconnect");
    const reconnected = nextEvent(temp, "connect");
    server.serverDisconnect("sim:temp");
    expect((await disconnected)[0]).toMatch(/dropped the channel \(SERVER_DISCONN\)/);
    await reconnected;
    expect((await monitor.next()).value[0]).toBe(21.5);
    expect(server.messages("SearchRequest").filter((m) => m.name === "sim:temp")).toHaveLength(2);
    expect(other.state).toBe("connected");
    expect(server.messages("VersionRequest")).toHaveLength(1);
  });

  it("ACCESS_RIGHTS after the connection: an accessRights event, and puts refused", async () => {
    const temp = client.channel("sim:temp");
    await temp.connected();
    const changed = new Promise((resolve) => temp.on("accessRights", resolve));
    server.toChannel("sim:temp", (c) => ({
      type: "AccessRightsResponse",
      cid: c.cid,
      accessRights: 1,
    }));
    expect(await changed).toEqual({ read: true, write: false });
    await expect(temp.put(1)).rejects.toThrow("sim:temp: put failed with ECA_NOWTACCESS");
  });

  it("a monitor update with a failed status goes to onError, naming the PV", async () => {
    const temp = client.channel("sim:temp");
    const error = new Promise<CaStatusError>((resolve) => {
      temp.monitor({ onError: resolve }, () => undefined);
    });
    await server.waitFor("EventAddRequest");
    const [add] = server.messages("EventAddRequest");
    server.toChannel("sim:temp", () => ({
      type: "EventAddResponse",
      dataType: add!.dataType,
      dataCount: 1,
      ecaStatus: 168,
      subscriptionId: add!.subscriptionId,
      data: null,
    }));
    expect((await error).message).toBe("sim:temp: monitor failed with ECA_ADDFAIL");
  });
});

describe("ERROR about a monitor", () => {
  it("counts only from the circuit the monitor is on", async () => {
    const other = await startFakeServer({ "far:pv": { type: DBR.DOUBLE, value: 1 } });
    const both = new CaClient({
      env: {
        ...server.env,
        EPICS_CA_ADDR_LIST: `${server.env.EPICS_CA_ADDR_LIST} ${other.env.EPICS_CA_ADDR_LIST}`,
      },
    });
    try {
      const errors: string[] = [];
      const temp = both.channel("sim:temp");
      temp.monitor({ onError: (error) => errors.push(error.message) }, () => undefined);
      await both.channel("far:pv").get();
      await server.waitFor("EventAddRequest");
      const [add] = server.messages("EventAddRequest");
      const refusal = (cid: number) =>
        ({
          type: "ErrorResponse",
          cid,
          ecaStatus: 168,
          offendingHeader: {
            command: 1, // EVENT_ADD
            payloadSize: 16,
            dataType: add!.dataType,
            dataCount: 1,
            parameter1: add!.sid,
            parameter2: add!.subscriptionId,
          },
          message: "no such monitor here",
        }) as const;
      other.toChannel("far:pv", (channel) => refusal(channel.cid));
      await both.channel("far:pv").get(); // the ERROR has arrived by the time this answers
      expect(errors).toEqual([]);
      server.toChannel("sim:temp", (channel) => refusal(channel.cid));
      await temp.get();
      expect(errors).toEqual(["sim:temp: monitor failed with ECA_ADDFAIL: no such monitor here"]);
    } finally {
      await both.close();
      await other.close();
    }
  });
});

describe("an unresponsive server", () => {
  /** A client on a virtual clock with EPICS_CA_CONN_TMO 30, its channel to sim:temp connected. */
  async function connectedOnVirtualClock(): Promise<{ clock: VirtualClock; temp: CaChannel }> {
    await client.close();
    const clock = new VirtualClock({ auto: false, start: 1000 });
    client = new CaClient({ env: { ...server.env, EPICS_CA_CONN_TMO: "30" }, clock });
    const temp = client.channel("sim:temp");
    const connected = nextEvent(temp, "connect");
    await clock.advance(0);
    await connected;
    return { clock, temp };
  }

  it("after EPICS_CA_CONN_TMO of silence an ECHO goes out; no answer: unresponsive until heard again", async () => {
    const { clock, temp } = await connectedOnVirtualClock();
    await server.waitFor("CreateChanRequest");
    const updates = watch(temp);
    expect((await updates.next()).value[0]).toBe(21.5);
    // Answered ECHO: nothing happens.
    await clock.advance(30);
    await server.waitFor("EchoRequest", 1);
    expect((await temp.get({ timeout: Infinity })).value[0]).toBe(21.5);

    server.answerEcho = false;
    server.holdReads.add("sim:temp");
    const pending = temp.get({ timeout: Infinity }).catch((e: unknown) => e);
    await server.waitFor("ReadNotifyRequest", 2);
    await clock.advance(30);
    await server.waitFor("EchoRequest", 2);
    const disconnected = nextEvent(temp, "disconnect");
    await clock.advance(5);
    expect((await disconnected)[0]).toMatch(/did not answer an ECHO within 5 s/);
    expect(temp.state).toBe("unresponsive");
    const failed = await pending;
    expect(failed).toBeInstanceOf(CaDisconnectedError);
    expect((failed as Error).message).toMatch(/^sim:temp: .*did not answer an ECHO within 5 s/);
    // It keeps asking, on the same circuit.
    await clock.advance(5);
    await server.waitFor("EchoRequest", 4);
    expect(server.messages("CreateChanRequest")).toHaveLength(1);

    // Heard from again: connected as before, the monitor still subscribed.
    const reconnected = nextEvent(temp, "connect");
    server.answerEcho = true;
    server.post("sim:temp", 22.5);
    await reconnected;
    expect(temp.state).toBe("connected");
    expect((await updates.next()).value[0]).toBe(22.5);
    expect(server.messages("EventAddRequest")).toHaveLength(1);
    expect(server.messages("CreateChanRequest")).toHaveLength(1);
  });

  it("a channel still waiting for CREATE_CHAN searches again, and attaches once the server answers", async () => {
    const { clock, temp } = await connectedOnVirtualClock();

    server.answerEcho = false;
    server.holdCreates.add("sim:other");
    const other = client.channel("sim:other");
    await clock.advance(0);
    await server.waitFor("CreateChanRequest", 2);
    expect(other.state).toBe("connecting");
    await clock.advance(35); // the ECHO after 30 s of silence goes unanswered for 5 s
    expect(temp.state).toBe("unresponsive");
    expect(other.state).toBe("searching");
    await clock.advance(2); // searches are answered, but not over the silent circuit
    expect(other.state).toBe("searching");
    expect(server.messages("CreateChanRequest")).toHaveLength(2);

    server.answerEcho = true;
    server.holdCreates.clear();
    const back = nextEvent(other, "connect");
    await clock.advance(10); // the next ECHO is answered; the next search attaches
    await back;
    expect(temp.state).toBe("connected");
    expect((await other.get()).value[0]).toBe(3);
  });
});

describe("flow control", () => {
  it("ten full reads of many messages: EVENTS_OFF; the first read that drains: EVENTS_ON", () => {
    const flow = new FlowControl(65_536, 10);
    const full = (): ReturnType<FlowControl["onRead"]> => flow.onRead(65_536, 2000);
    for (let i = 0; i < 9; i++) expect(full()).toBeUndefined();
    expect(full()).toBe("EventsOffRequest");
    expect(full()).toBeUndefined();
    expect(flow.onRead(100, 3)).toBe("EventsOnRequest");
    expect(flow.onRead(100, 3)).toBeUndefined();
    // One large array spread over full reads is not a flood.
    for (let i = 0; i < 20; i++) expect(flow.onRead(65_536, 0)).toBeUndefined();
  });

  it("a flood of updates arrives whole; any EVENTS_OFF is followed by EVENTS_ON", async () => {
    const temp = client.channel("sim:temp");
    let updates = 0;
    let caughtUp: () => void = () => undefined;
    const total = 40_001;
    temp.monitor({ type: "native" }, () => {
      if (++updates === total) caughtUp();
    });
    await server.waitFor("EventAddRequest");
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    const [add] = server.messages("EventAddRequest");
    const update = {
      type: "EventAddResponse" as const,
      dataType: DBR.DOUBLE,
      dataCount: 1,
      ecaStatus: 1,
      subscriptionId: add!.subscriptionId,
      data: { value: 1 },
    };
    for (const circuit of server.circuits) circuit.send(...new Array(total - 1).fill(update));
    await done;
    // A round trip: whatever the client queued before it has reached the server.
    await temp.get();
    const order = server.received
      .map((r) => r.message.type)
      .filter((t) => t === "EventsOffRequest" || t === "EventsOnRequest");
    expect(order).toEqual(order.length ? ["EventsOffRequest", "EventsOnRequest"] : []);
  });
});

describe("limits", () => {
  it("an array larger than EPICS_CA_MAX_ARRAY_BYTES is refused with ECA_TOLARGE naming the variable", async () => {
    server.add("sim:wave", { type: DBR.DOUBLE, value: new Float64Array(100_000) });
    await client.close();
    client = new CaClient({ env: { ...server.env, EPICS_CA_MAX_ARRAY_BYTES: "16384" } });
    await expect(client.channel("sim:wave").get()).rejects.toThrow(
      "sim:wave: get failed with ECA_TOLARGE: 100000 elements of DBR_DOUBLE exceed EPICS_CA_MAX_ARRAY_BYTES=16384",
    );
  });

  it("a 100,000-double array arrives whole as a Float64Array", async () => {
    const wave = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
    server.add("sim:wave", { type: DBR.DOUBLE, value: wave });
    const data = await client.channel("sim:wave").get({ type: "time" });
    expect(data.value).toBeInstanceOf(Float64Array);
    expect(data.value).toEqual(wave);
  });
});
