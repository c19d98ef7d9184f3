import { describe, expect, it } from "vitest";
import {
  CaStreamReader,
  DBR,
  ECA,
  RemoteProtocolError,
  decodeDatagram,
  encode,
  encodeMessages,
  type CaMessage,
  type CaMessageInput,
} from "../../../src/ca/index.js";
import { seededRandom } from "../../support/seeded-random.js";
import { concat, firstDifference, hex, randomChunks } from "./bytes.js";

/** What a server sends on a busy circuit: small messages, an ERROR, strings and a large array. */
const serverTraffic: CaMessageInput[] = [
  { type: "VersionResponse", priority: 0, minorVersion: 13 },
  { type: "AccessRightsResponse", cid: 1, accessRights: 3 },
  { type: "CreateChanResponse", cid: 1, sid: 100, nativeType: DBR.DOUBLE, nativeCount: 70_000 },
  {
    type: "EventAddResponse",
    dataType: DBR.TIME_DOUBLE,
    dataCount: 70_000,
    ecaStatus: ECA.NORMAL,
    subscriptionId: 5,
    data: {
      value: Float64Array.from({ length: 70_000 }, (_, i) => i / 3),
      status: 0,
      severity: 0,
      timestamp: { secondsSinceEpoch: 1, nanoseconds: 2 },
    },
  },
  {
    type: "ErrorResponse",
    cid: 1,
    ecaStatus: ECA.PUTFAIL,
    offendingHeader: {
      command: 4,
      payloadSize: 8,
      dataType: 6,
      dataCount: 1,
      parameter1: 100,
      parameter2: 9,
    },
    message: "put failed",
  },
  {
    type: "ReadNotifyResponse",
    dataType: DBR.STRING,
    dataCount: 3,
    ecaStatus: ECA.NORMAL,
    ioid: 2,
    data: { value: ["a", "bb", "ccc"] },
  },
  { type: "EchoResponse" },
  {
    type: "EventCancelResponse",
    dataType: DBR.TIME_DOUBLE,
    dataCount: 70_000,
    sid: 100,
    subscriptionId: 5,
  },
  { type: "ServerDisconnResponse", cid: 1 },
];

const stream = encodeMessages(serverTraffic);
const expected = new CaStreamReader({ sender: "server" }).push(stream);

function sameMessages(actual: CaMessage[]): void {
  expect(actual.map((m) => m.type)).toEqual(expected.map((m) => m.type));
  for (const [i, message] of actual.entries()) {
    if (message.type === "EventAddResponse") {
      const reference = expected[i] as typeof message;
      const { data, ...rest } = message;
      const { data: referenceData, ...referenceRest } = reference;
      expect(rest).toEqual(referenceRest);
      expect(
        firstDifference(data!.value as Float64Array, referenceData!.value as Float64Array),
      ).toBe(-1);
      expect(data?.timestamp).toEqual(referenceData?.timestamp);
    } else {
      expect(message).toEqual(expected[i]);
    }
  }
}

describe("CaStreamReader", () => {
  it("returns every message of a stream fed at once", () => {
    expect(expected).toHaveLength(serverTraffic.length);
    expect(expected[3]).toMatchObject({ type: "EventAddResponse", dataCount: 70_000 });
    expect(expected[5]).toMatchObject({ data: { value: ["a", "bb", "ccc"] } });
  });

  it("returns the same messages when the small ones arrive byte by byte", () => {
    const small = encodeMessages(serverTraffic.filter((m) => m.type !== "EventAddResponse"));
    const reader = new CaStreamReader({ sender: "server" });
    const out: CaMessage[] = [];
    for (let i = 0; i < small.length; i++) out.push(...reader.push(small.subarray(i, i + 1)));
    expect(out).toEqual(new CaStreamReader({ sender: "server" }).push(small));
    expect(reader.bufferedBytes).toBe(0);
  });

  it("returns the same messages whatever the chunking (seeded random splits)", () => {
    const random = seededRandom(20240611);
    for (let round = 0; round < 24; round++) {
      const reader = new CaStreamReader({ sender: "server" });
      const out: CaMessage[] = [];
      const maxChunk = round % 2 === 0 ? 64 : 40_000;
      for (const chunk of randomChunks(stream, random, maxChunk)) out.push(...reader.push(chunk));
      sameMessages(out);
      expect(reader.bufferedBytes).toBe(0);
    }
  });

  it("reads chunks the caller reuses, as a socket reading into one buffer does", () => {
    const random = seededRandom(20261123);
    for (let round = 0; round < 12; round++) {
      const reader = new CaStreamReader({ sender: "server" });
      // A Buffer, as sockets give: its slice() is a view, not a copy.
      const buffer = Buffer.alloc(65_536);
      const out: CaMessage[] = [];
      const maxChunk = round % 2 === 0 ? 100 : buffer.length;
      for (const chunk of randomChunks(stream, random, maxChunk)) {
        buffer.set(chunk);
        out.push(...reader.push(buffer.subarray(0, chunk.length), { reused: true }));
        buffer.fill(0xee); // what the next read would overwrite
      }
      sameMessages(out);
      expect(reader.bufferedBytes).toBe(0);
    }
  });

  it("tells how many bytes the next message still needs", () => {
    const reader = new CaStreamReader({ sender: "server" });
    expect(reader.bytesNeeded).toBe(16);
    const echo = encode({ type: "EchoResponse" });
    reader.push(echo.subarray(0, 10));
    expect([reader.bufferedBytes, reader.bytesNeeded]).toEqual([10, 6]);
    const big = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.CHAR,
      dataCount: 100_000,
      ecaStatus: 1,
      ioid: 1,
      data: { value: new Uint8Array(100_000) },
    });
    reader.push(echo.subarray(10));
    reader.push(big.subarray(0, 20));
    expect(reader.bytesNeeded).toBe(4);
    reader.push(big.subarray(20, 1000));
    expect(reader.bytesNeeded).toBe(big.length - 1000);
    expect(reader.push(big.subarray(1000))).toHaveLength(1);
  });

  it("keeps decoded values independent of the chunks it was given", () => {
    const bytes = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.LONG,
      dataCount: 2,
      ecaStatus: 1,
      ioid: 1,
      data: { value: [7, 8] },
    });
    const [message] = new CaStreamReader({ sender: "server" }).push(bytes);
    bytes.fill(0xff);
    expect(message).toMatchObject({ data: { value: Int32Array.of(7, 8) } });
  });

  it("rejects a payload over the maximum as soon as the header is in, then stays failed", () => {
    const reader = new CaStreamReader({ sender: "server", maxPayloadSize: 1024 });
    const big = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.DOUBLE,
      dataCount: 200,
      ecaStatus: 1,
      ioid: 1,
      data: { value: new Float64Array(200) },
    });
    let failure: unknown;
    try {
      reader.push(big.subarray(0, 16));
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RemoteProtocolError);
    expect((failure as RemoteProtocolError).message).toMatch(
      /payload of 1600 bytes, over the maximum of 1024/,
    );
    expect((failure as RemoteProtocolError).code).toBe("HIL_CA_REMOTE_PROTOCOL");
    expect(() => reader.push(encode({ type: "EchoResponse" }))).toThrow(failure as Error);
  });

  it("rejects an unknown command before its payload arrives", () => {
    const reader = new CaStreamReader({ sender: "client" });
    expect(() => reader.push(hex("0040 0100 0000 0000 00000000 00000000"))).toThrow(
      /command 64 from a client/,
    );
  });

  it("checks its options", () => {
    expect(() => new CaStreamReader({ sender: "peer" as "client" })).toThrow(TypeError);
    expect(() => new CaStreamReader({ sender: "client", maxPayloadSize: -1 })).toThrow(
      /maxPayloadSize/,
    );
  });
});

describe("decodeDatagram", () => {
  it("decodes a VERSION followed by several searches", () => {
    const datagram = encodeMessages([
      { type: "UdpVersionRequest", minorVersion: 13, sequenceNumber: 1 },
      ...["a", "bb:cc", "ddd.VAL"].map((name, cid) => ({
        type: "SearchRequest" as const,
        name,
        cid,
        minorVersion: 13,
        replyIfNotFound: false,
      })),
    ]);
    expect(
      decodeDatagram(datagram, "client").map((m) => (m.type === "SearchRequest" ? m.name : m.type)),
    ).toEqual(["UdpVersionRequest", "a", "bb:cc", "ddd.VAL"]);
  });

  it("decodes a server's reply datagram", () => {
    const datagram = encodeMessages([
      { type: "UdpVersionResponse", minorVersion: 13, sequenceNumber: 1 },
      { type: "SearchResponse", cid: 2, port: 5064, serverAddress: 0, minorVersion: 13 },
      { type: "NotFoundResponse", cid: 3, minorVersion: 13 },
    ]);
    expect(decodeDatagram(datagram, "server").map((m) => m.type)).toEqual([
      "UdpVersionResponse",
      "SearchResponse",
      "NotFoundResponse",
    ]);
  });

  it("rejects a truncated message and trailing bytes", () => {
    const search = encode({
      type: "SearchRequest",
      name: "abc",
      cid: 1,
      minorVersion: 13,
      replyIfNotFound: false,
    });
    expect(() => decodeDatagram(search.subarray(0, 20), "client")).toThrow(
      /announces 8 payload bytes, the datagram holds 4/,
    );
    expect(() => decodeDatagram(concat(search, new Uint8Array(5)), "client")).toThrow(
      /ends with 5 bytes/,
    );
  });
});
