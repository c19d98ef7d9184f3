// The circuit without a socket: bytes go into CircuitCore.receive and the bytes it writes
// through its CircuitIo are checked, exactly or decoded.
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  CaCommand,
  CaStreamReader,
  DBE,
  DBR,
  ECA,
  encodeMessages,
  pvProvider,
  SoftPv,
  type CaMessage,
  type CaMessageInput,
  type CaPv,
} from "../../../src/ca/index.js";
import { CircuitCore } from "../../../src/ca/server/circuit-core.js";

interface Options {
  maxBacklogBytes?: number;
  buffered?: number;
}

function harness(pvs: Record<string, CaPv>, options: Options = {}) {
  const clock = new VirtualClock({ auto: false });
  const writes: Uint8Array[] = [];
  /** Each write as the buffers it was given. */
  const calls: Array<readonly Uint8Array[]> = [];
  const later: Array<() => void> = [];
  const logs: string[] = [];
  const io = { accept: true, paused: false, ended: false, buffered: options.buffered ?? 0 };
  const core = new CircuitCore(
    {
      write: (parts) => {
        calls.push(parts);
        writes.push(Buffer.concat(parts));
        return io.accept;
      },
      bufferedBytes: () => io.buffered,
      pauseReading: () => (io.paused = true),
      resumeReading: () => (io.paused = false),
      later: (task) => later.push(task),
      end: () => (io.ended = true),
    },
    {
      provider: pvProvider(pvs),
      clock,
      log: (line) => logs.push(line),
      maxArrayBytes: 1 << 24,
      maxPayloadSize: (1 << 24) + 1024,
      stuckTimeout: 10,
      putStallTimeout: 60,
      maxBacklogBytes: options.maxBacklogBytes ?? 1 << 22,
      tcpPort: () => 5064,
      peer: "192.0.2.1:40000",
      address: "192.0.2.1",
    },
  );
  const reader = new CaStreamReader({ sender: "server" });
  return {
    core,
    io,
    clock,
    logs,
    writes,
    calls,
    send: (...messages: CaMessageInput[]) => core.receive(encodeMessages(messages)),
    /** What was written since the last call, decoded. */
    out: (): CaMessage[] => writes.splice(0).flatMap((bytes) => reader.push(bytes)),
    /** Runs what the circuit deferred (its flush of posted updates, resumed reading). */
    runLater: () => {
      while (later.length > 0) later.shift()!();
    },
    laterCount: () => later.length,
  };
}

type Harness = ReturnType<typeof harness>;

/** Handshake and one channel; returns its SID with the output consumed. */
function open(h: Harness, name: string): number {
  h.core.start();
  h.send(
    { type: "VersionRequest", priority: 0, minorVersion: 13 },
    { type: "HostNameRequest", name: "host" },
    { type: "ClientNameRequest", name: "user" },
    { type: "CreateChanRequest", name, cid: 7, minorVersion: 13 },
  );
  const created = h.out().find((m) => m.type === "CreateChanResponse");
  if (created?.type !== "CreateChanResponse") throw new Error(`no channel to ${name}`);
  return created.sid;
}

/** The values a reply or update carries, as plain numbers. */
const values = (messages: CaMessage[]): unknown[] =>
  messages.map((m) =>
    m.type === "ReadNotifyResponse" || m.type === "EventAddResponse"
      ? [...(m.data?.value ?? [])]
      : m.type,
  );

const read = (sid: number, ioid: number): CaMessageInput => ({
  type: "ReadNotifyRequest",
  sid,
  ioid,
  dataType: DBR.DOUBLE,
  dataCount: 1,
});

describe("CircuitCore", () => {
  it("speaks first, then answers a channel's creation before receive returns", () => {
    const h = harness({ "T:x": new SoftPv({ value: 1.5 }) });
    h.core.start();
    expect(h.out()).toMatchObject([{ type: "VersionResponse", minorVersion: 13 }]);
    h.send({ type: "CreateChanRequest", name: "T:x", cid: 7, minorVersion: 13 });
    expect(h.writes).toHaveLength(1);
    expect(h.out().map((m) => m.type)).toEqual(["AccessRightsResponse", "CreateChanResponse"]);
    expect(h.laterCount()).toBe(0);
  });

  it("answers a READ_NOTIFY of a double in the call that received it, byte for byte", () => {
    const h = harness({ "T:x": new SoftPv({ value: 1.5 }) });
    const sid = open(h, "T:x");
    h.send(read(sid, 0x01020304));
    expect(h.writes).toHaveLength(1);
    const expected = Buffer.alloc(24);
    expected.writeUInt16BE(CaCommand.READ_NOTIFY, 0);
    expected.writeUInt16BE(8, 2);
    expected.writeUInt16BE(DBR.DOUBLE, 4);
    expected.writeUInt16BE(1, 6);
    expected.writeUInt32BE(ECA.NORMAL, 8);
    expected.writeUInt32BE(0x01020304, 12);
    expected.writeDoubleBE(1.5, 16);
    expect(Buffer.from(h.writes[0]!)).toEqual(expected);
    expect(h.laterCount()).toBe(0);
  });

  it("answers every request of one chunk in one write, in order", () => {
    const h = harness({ "T:x": new SoftPv({ value: 2 }) });
    const sid = open(h, "T:x");
    h.send(read(sid, 1), { type: "EchoRequest" }, read(sid, 2), read(sid, 3));
    expect(h.writes).toHaveLength(1);
    const out = h.out();
    expect(out.map((m) => (m.type === "ReadNotifyResponse" ? m.ioid : m.type))).toEqual([
      1,
      "EchoResponse",
      2,
      3,
    ]);
  });

  it("writes a large array's header and its shared payload as one write, uncopied", () => {
    const h = harness({ "T:wave": new SoftPv({ value: new Float64Array(10_000).fill(2) }) });
    const sid = open(h, "T:wave");
    h.calls.length = 0;
    const big = (ioid: number): CaMessageInput => ({
      type: "ReadNotifyRequest",
      sid,
      ioid,
      dataType: DBR.DOUBLE,
      dataCount: 10_000,
    });
    h.send(big(1));
    h.send(big(2));
    expect(h.calls.map((parts) => parts.map((part) => part.length))).toEqual([
      [24, 80_000],
      [24, 80_000],
    ]);
    expect(h.calls[1]![1]).toBe(h.calls[0]![1]);
    expect(values(h.out()).map((v) => (v as number[]).length)).toEqual([10_000, 10_000]);
  });

  it("frames a request that arrives a byte at a time", () => {
    const h = harness({ "T:x": new SoftPv({ value: 3 }) });
    const sid = open(h, "T:x");
    const bytes = encodeMessages([read(sid, 9)]);
    for (let i = 0; i < bytes.length - 1; i++) h.core.receive(bytes.subarray(i, i + 1));
    expect(h.writes).toHaveLength(0);
    h.core.receive(bytes.subarray(bytes.length - 1));
    expect(values(h.out())).toEqual([[3]]);
  });

  it("sends a monitor's first update at once and later posts at the deferred flush", () => {
    const pv = new SoftPv({ value: 0 });
    const h = harness({ "T:x": pv });
    const sid = open(h, "T:x");
    h.send({
      type: "EventAddRequest",
      sid,
      subscriptionId: 5,
      dataType: DBR.DOUBLE,
      dataCount: 1,
      mask: DBE.VALUE,
    });
    expect(h.out()).toMatchObject([{ type: "EventAddResponse", subscriptionId: 5 }]);
    pv.post(1);
    pv.post(2);
    expect(h.writes).toHaveLength(0);
    h.runLater();
    expect(h.writes).toHaveLength(1);
    expect(values(h.out())).toEqual([[1], [2]]);
  });

  it("keeps only the newest update per subscription under EVENTS_OFF", () => {
    const pv = new SoftPv({ value: 0 });
    const h = harness({ "T:x": pv });
    const sid = open(h, "T:x");
    h.send(
      {
        type: "EventAddRequest",
        sid,
        subscriptionId: 5,
        dataType: DBR.DOUBLE,
        dataCount: 1,
        mask: DBE.VALUE,
      },
      { type: "EventsOffRequest" },
    );
    h.out();
    for (let i = 1; i <= 10; i++) pv.post(i);
    h.runLater();
    expect(h.out()).toEqual([]);
    h.send({ type: "EventsOnRequest" });
    expect(values(h.out())).toEqual([[10]]);
    expect(h.core.stats().droppedUpdates).toBe(9);
  });

  it("starts a channel's put-callbacks one at a time, a later read after them", async () => {
    const arrivals: Array<() => void> = [];
    const pv = new SoftPv({
      value: 0,
      onWrite: () => new Promise<void>((resolve) => arrivals.push(resolve)),
    });
    const h = harness({ "T:m": pv });
    const sid = open(h, "T:m");
    const put = (ioid: number, value: number): CaMessageInput => ({
      type: "WriteNotifyRequest",
      sid,
      ioid,
      dataType: DBR.DOUBLE,
      dataCount: 1,
      data: { value: [value] },
    });
    h.send(put(1, 4), put(2, 5), read(sid, 3));
    expect(h.out()).toEqual([]);
    expect(arrivals).toHaveLength(1); // the second waits for the first
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      h.runLater();
    };
    arrivals[0]!();
    await settle();
    expect(arrivals).toHaveLength(2);
    // The read waited for the second put to start, so it sees that put's value.
    const out = h.out();
    expect(out.map((m) => ("ioid" in m ? m.ioid : m.type))).toEqual([1, 3]);
    expect(values(out)).toEqual(["WriteNotifyResponse", [5]]);
    arrivals[1]!();
    await settle();
    expect(h.out()).toMatchObject([{ type: "WriteNotifyResponse", ioid: 2 }]);
  });

  it("answers a request on an unknown SID with ERROR ECA_BADCHID and keeps the circuit", () => {
    const h = harness({ "T:x": new SoftPv({ value: 1 }) });
    const sid = open(h, "T:x");
    h.send(read(sid + 100, 3), read(sid, 4));
    const [error, answer] = h.out();
    expect(error).toMatchObject({
      type: "ErrorResponse",
      ecaStatus: ECA.BADCHID,
      offendingHeader: { command: CaCommand.READ_NOTIFY, parameter1: sid + 100, parameter2: 3 },
    });
    expect(answer).toMatchObject({ type: "ReadNotifyResponse", ioid: 4 });
    expect(h.io.ended).toBe(false);
  });

  it("echoes CLEAR_CHANNEL and ignores requests still on their way to the channel", () => {
    const h = harness({ "T:x": new SoftPv({ value: 1 }) });
    const sid = open(h, "T:x");
    h.send({ type: "ClearChannelRequest", sid, cid: 7 }, read(sid, 5));
    expect(h.out()).toMatchObject([{ type: "ClearChannelResponse", sid, cid: 7 }]);
    expect(h.core.stats().channels).toBe(0);
  });

  it("ends the circuit on a damaged stream, with one log line", () => {
    const h = harness({});
    h.core.start();
    h.out();
    const garbage = new Uint8Array(16);
    garbage[1] = 200; // no such command
    h.core.receive(garbage);
    expect(h.io.ended).toBe(true);
    expect(h.core.closed).toBe(true);
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toContain("192.0.2.1:40000");
  });

  it("drops a client that leaves its socket full for the stuck timeout", async () => {
    const h = harness({ "T:x": new SoftPv({ value: 1 }) });
    const sid = open(h, "T:x");
    h.io.accept = false;
    h.send(read(sid, 1));
    await h.clock.advance(9);
    expect(h.io.ended).toBe(false);
    await h.clock.advance(2);
    expect(h.io.ended).toBe(true);
    expect(h.logs[0]).toContain("has not read for 10 s");
  });

  it("keeps a client whose socket drains in time", async () => {
    const h = harness({ "T:x": new SoftPv({ value: 1 }) });
    const sid = open(h, "T:x");
    h.io.accept = false;
    h.send(read(sid, 1));
    h.io.accept = true;
    h.core.drained();
    await h.clock.advance(20);
    expect(h.io.ended).toBe(false);
  });

  it("stops reading while replies back up, and goes on when they are written", () => {
    const h = harness({ "T:x": new SoftPv({ value: 1 }) }, { maxBacklogBytes: 100 });
    const sid = open(h, "T:x");
    h.io.buffered = 1000;
    h.send(read(sid, 1), read(sid, 2));
    expect(h.io.paused).toBe(true);
    expect(h.out()).toEqual([]);
    h.io.buffered = 0;
    h.core.drained();
    expect(h.io.paused).toBe(false);
    expect(h.out().map((m) => ("ioid" in m ? m.ioid : m.type))).toEqual([1, 2]);
  });
});
