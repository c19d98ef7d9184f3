import { describe, expect, it } from "vitest";
import {
  AccessRights,
  CaConversionError,
  CaStreamReader,
  DBR,
  DBE,
  ECA,
  LocalProtocolError,
  RemoteProtocolError,
  decodeDatagram,
  encode,
  encodeDbr,
  encodeHeaderFor,
  encodeMessages,
  isEventCancelResponse,
  ipv4FromU32,
  ipv4ToU32,
  readHeader,
  searchReplyHost,
  type CaMessage,
  type CaMessageType,
  type CaSender,
  type SearchResponse,
} from "../../../src/ca/index.js";
import { ascii, concat, firstDifference, hex, toHex } from "./bytes.js";

/** Decodes one TCP message sent by `sender`. */
function decodeStream(bytes: Uint8Array, sender: CaSender): CaMessage[] {
  return new CaStreamReader({ sender }).push(bytes);
}

describe("byte vectors from the protocol specification", () => {
  it("VERSION on a circuit: priority in the data type, minor version in the count", () => {
    const bytes = encode({ type: "VersionRequest", priority: 0, minorVersion: 13 });
    expect(toHex(bytes)).toBe(toHex(hex("0000 0000 0000 000d 00000000 00000000")));
    expect(decodeStream(bytes, "server")).toEqual([
      { type: "VersionResponse", priority: 0, minorVersion: 13 },
    ]);
  });

  it("a search datagram: VERSION with a sequence number, then SEARCH with DONT_REPLY and the name padded to 8", () => {
    const bytes = encodeMessages([
      { type: "UdpVersionRequest", minorVersion: 13, sequenceNumber: 7 },
      {
        type: "SearchRequest",
        name: "motor1:pos",
        cid: 5,
        minorVersion: 13,
        replyIfNotFound: false,
      },
    ]);
    const expected = concat(
      hex("0000 0000 0001 000d 00000007 00000000"),
      hex("0006 0010 0005 000d 00000005 00000005"),
      ascii("motor1:pos", 16),
    );
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(decodeDatagram(bytes, "client")).toEqual([
      { type: "UdpVersionRequest", minorVersion: 13, sequenceNumber: 7 },
      {
        type: "SearchRequest",
        name: "motor1:pos",
        cid: 5,
        minorVersion: 13,
        replyIfNotFound: false,
      },
    ]);
  });

  it("a name of exactly 8 characters takes 16 payload bytes (its NUL needs room)", () => {
    const bytes = encode({
      type: "SearchRequest",
      name: "ABCDEFGH",
      cid: 1,
      minorVersion: 13,
      replyIfNotFound: true,
    });
    expect(toHex(bytes.subarray(0, 8))).toBe("00 06 00 10 00 0a 00 0d");
    expect(bytes.length).toBe(32);
  });

  it("a search reply: TCP port in the data type, IP in parameter1, CID in parameter2, minor version in the payload", () => {
    const reply: SearchResponse = {
      type: "SearchResponse",
      cid: 5,
      port: 5064,
      serverAddress: 0xffffffff,
      minorVersion: 13,
    };
    const bytes = encode(reply);
    expect(toHex(bytes)).toBe(
      toHex(hex("0006 0008 13c8 0000 ffffffff 00000005 000d 000000000000")),
    );
    expect(decodeDatagram(bytes, "server")).toEqual([reply]);
    expect(searchReplyHost(reply, "10.0.0.7")).toBe("10.0.0.7");
    expect(searchReplyHost({ ...reply, serverAddress: 0 }, "10.0.0.7")).toBe("10.0.0.7");
    expect(
      searchReplyHost({ ...reply, serverAddress: ipv4ToU32("192.168.1.20") }, "10.0.0.7"),
    ).toBe("192.168.1.20");
    expect(ipv4FromU32(0x7f000001)).toBe("127.0.0.1");
    expect(() => ipv4ToU32("1.2.3")).toThrow(RangeError);
  });

  it("NOT_FOUND copies the request's header: DO_REPLY, the version, the CID twice", () => {
    const bytes = encode({ type: "NotFoundResponse", cid: 9, minorVersion: 13 });
    expect(toHex(bytes)).toBe(toHex(hex("000e 0000 000a 000d 00000009 00000009")));
  });

  it("a CREATE_CHAN reply: native type and count, CID then SID", () => {
    const bytes = encode({
      type: "CreateChanResponse",
      cid: 1,
      sid: 0x1234,
      nativeType: DBR.DOUBLE,
      nativeCount: 1,
    });
    expect(toHex(bytes)).toBe(toHex(hex("0012 0000 0006 0001 00000001 00001234")));
  });

  it("a CREATE_CHAN request: CID and client version, the name as payload", () => {
    const bytes = encode({ type: "CreateChanRequest", cid: 1, minorVersion: 13, name: "temp" });
    expect(toHex(bytes)).toBe(
      toHex(concat(hex("0012 0008 0000 0000 00000001 0000000d"), ascii("temp", 8))),
    );
  });

  it("READ_NOTIFY and EVENT_ADD replies carry the ECA status in parameter1", () => {
    const bytes = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.DOUBLE,
      dataCount: 1,
      ecaStatus: ECA.NORMAL,
      ioid: 3,
      data: { value: Float64Array.of(1) },
    });
    expect(toHex(bytes)).toBe(toHex(hex("000f 0008 0006 0001 00000001 00000003 3ff0000000000000")));
  });

  it("a scalar DBR_STRING reply trimmed to its length (RSRV), even unpadded", () => {
    const trimmed = concat(hex("000f 0008 0000 0001 00000001 00000007"), ascii("hello", 8));
    expect(decodeStream(trimmed, "server")).toEqual([
      {
        type: "ReadNotifyResponse",
        dataType: 0,
        dataCount: 1,
        ecaStatus: 1,
        ioid: 7,
        data: { value: ["hello"] },
        dataStatus: ECA.NORMAL,
      },
    ]);
    const unpadded = concat(hex("000f 0003 0000 0001 00000001 00000007"), ascii("hi", 3));
    expect(decodeStream(unpadded, "server")).toMatchObject([{ data: { value: ["hi"] } }]);
  });

  it("an EVENT_ADD request: SID, subscription id, 16-byte payload ending with the mask", () => {
    const bytes = encode({
      type: "EventAddRequest",
      dataType: DBR.TIME_DOUBLE,
      dataCount: 0,
      sid: 2,
      subscriptionId: 42,
      mask: DBE.VALUE | DBE.ALARM,
    });
    expect(toHex(bytes)).toBe(
      toHex(hex("0001 0010 0014 0000 00000002 0000002a 00000000 00000000 00000000 0005 0000")),
    );
  });

  it("the server answers EVENT_CANCEL with an EVENT_ADD header and no payload", () => {
    const bytes = encode({
      type: "EventCancelResponse",
      dataType: DBR.TIME_DOUBLE,
      dataCount: 1,
      sid: 2,
      subscriptionId: 42,
    });
    expect(toHex(bytes)).toBe(toHex(hex("0001 0000 0014 0001 00000002 0000002a")));
    expect(isEventCancelResponse(readHeader(bytes)!.header)).toBe(true);
    expect(decodeStream(bytes, "server")[0]?.type).toBe("EventCancelResponse");
  });

  it("an update that failed still has a payload, so it never reads as a cancel", () => {
    const bytes = encode({
      type: "EventAddResponse",
      dataType: DBR.DOUBLE,
      dataCount: 0,
      ecaStatus: ECA.NORDACCESS,
      subscriptionId: 1,
      data: null,
    });
    expect(toHex(bytes)).toBe(toHex(hex("0001 0008 0006 0000 00000170 00000001 0000000000000000")));
    expect(decodeStream(bytes, "server")).toEqual([
      {
        type: "EventAddResponse",
        dataType: 6,
        dataCount: 0,
        ecaStatus: ECA.NORDACCESS,
        subscriptionId: 1,
        data: null,
        dataStatus: ECA.NORMAL,
      },
    ]);
  });

  it("a beacon: version, TCP port, beacon id, address", () => {
    const bytes = encode({
      type: "RsrvIsUpResponse",
      minorVersion: 13,
      port: 5064,
      beaconId: 17,
      serverAddress: 0x7f000001,
    });
    expect(toHex(bytes)).toBe(toHex(hex("000d 0000 000d 13c8 00000011 7f000001")));
  });

  it("an ERROR embeds the offending request's header and a NUL-terminated text", () => {
    const offending = {
      command: 4,
      payloadSize: 8,
      dataType: 6,
      dataCount: 1,
      parameter1: 9,
      parameter2: 3,
    };
    const bytes = encode({
      type: "ErrorResponse",
      cid: 1,
      ecaStatus: ECA.NOWTACCESS,
      offendingHeader: offending,
      message: "no write access",
    });
    expect(toHex(bytes)).toBe(
      toHex(
        concat(
          hex("000b 0020 0000 0000 00000001 00000178"),
          hex("0004 0008 0006 0001 00000009 00000003"),
          ascii("no write access", 16),
        ),
      ),
    );
    expect(decodeStream(bytes, "server")).toEqual([
      {
        type: "ErrorResponse",
        cid: 1,
        ecaStatus: 376,
        offendingHeader: offending,
        message: "no write access",
      },
    ]);
  });

  it("an ERROR about a large request embeds its extended header", () => {
    const offending = {
      command: 19,
      payloadSize: 800_000,
      dataType: 6,
      dataCount: 100_000,
      parameter1: 9,
      parameter2: 3,
    };
    const bytes = encode({
      type: "ErrorResponse",
      cid: 0xffffffff,
      ecaStatus: ECA.TOLARGE,
      offendingHeader: offending,
      message: "",
    });
    expect(bytes.length).toBe(16 + 32);
    const [decoded] = decodeStream(bytes, "server");
    expect(decoded).toEqual({
      type: "ErrorResponse",
      cid: 0xffffffff,
      ecaStatus: ECA.TOLARGE,
      offendingHeader: offending,
      message: "",
    });
  });

  it("carries a 100,000-element DOUBLE array behind the extended header", () => {
    const value = Float64Array.from({ length: 100_000 }, (_, i) => i * 0.5 - 7);
    const bytes = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.DOUBLE,
      dataCount: 100_000,
      ecaStatus: ECA.NORMAL,
      ioid: 1,
      data: { value },
    });
    expect(bytes.length).toBe(24 + 800_000);
    expect(toHex(bytes.subarray(0, 24))).toBe(
      toHex(hex("000f ffff 0006 0000 00000001 00000001 000c3500 000186a0")),
    );
    const [message] = decodeStream(bytes, "server");
    if (message?.type !== "ReadNotifyResponse") throw new Error("expected a ReadNotifyResponse");
    expect(message.data?.value).toBeInstanceOf(Float64Array);
    expect(firstDifference(message.data!.value as Float64Array, value)).toBe(-1);
  });
});

/** One example of every message, with values that make a mixed-up field visible. */
const examples: Record<CaMessageType, CaMessage> = {
  UdpVersionRequest: { type: "UdpVersionRequest", minorVersion: 13, sequenceNumber: 0xfffffffe },
  UdpVersionResponse: { type: "UdpVersionResponse", minorVersion: 12, sequenceNumber: 3 },
  SearchRequest: {
    type: "SearchRequest",
    name: "IOC:m1.RBV",
    cid: 0xffffffff,
    minorVersion: 13,
    replyIfNotFound: true,
  },
  SearchResponse: {
    type: "SearchResponse",
    cid: 77,
    port: 40123,
    serverAddress: 0x0a000002,
    minorVersion: 13,
  },
  NotFoundResponse: { type: "NotFoundResponse", cid: 78, minorVersion: 11 },
  RsrvIsUpResponse: {
    type: "RsrvIsUpResponse",
    minorVersion: 13,
    port: 5064,
    beaconId: 99,
    serverAddress: 0,
  },
  RepeaterRegisterRequest: { type: "RepeaterRegisterRequest", clientAddress: 0x7f000001 },
  RepeaterConfirmResponse: { type: "RepeaterConfirmResponse", repeaterAddress: 0x7f000001 },
  VersionRequest: { type: "VersionRequest", priority: 99, minorVersion: 13 },
  VersionResponse: { type: "VersionResponse", priority: 0, minorVersion: 13 },
  ClientNameRequest: { type: "ClientNameRequest", name: "operator" },
  HostNameRequest: { type: "HostNameRequest", name: "beamline-ws3.example.org" },
  EchoRequest: { type: "EchoRequest" },
  EchoResponse: { type: "EchoResponse" },
  EventsOffRequest: { type: "EventsOffRequest" },
  EventsOnRequest: { type: "EventsOnRequest" },
  ReadSyncRequest: { type: "ReadSyncRequest" },
  ErrorResponse: {
    type: "ErrorResponse",
    cid: 4,
    ecaStatus: ECA.BADTYPE,
    offendingHeader: {
      command: 15,
      payloadSize: 0,
      dataType: 99,
      dataCount: 1,
      parameter1: 2,
      parameter2: 8,
    },
    message: "bad type",
  },
  CreateChanRequest: { type: "CreateChanRequest", name: "IOC:m1.VAL", cid: 12, minorVersion: 13 },
  CreateChanResponse: {
    type: "CreateChanResponse",
    cid: 12,
    sid: 34,
    nativeType: DBR.ENUM,
    nativeCount: 70_000,
  },
  CreateChFailResponse: { type: "CreateChFailResponse", cid: 13 },
  AccessRightsResponse: {
    type: "AccessRightsResponse",
    cid: 12,
    accessRights: AccessRights.READ_WRITE,
  },
  ClearChannelRequest: { type: "ClearChannelRequest", sid: 34, cid: 12 },
  ClearChannelResponse: { type: "ClearChannelResponse", sid: 34, cid: 12 },
  ServerDisconnResponse: { type: "ServerDisconnResponse", cid: 12 },
  ReadNotifyRequest: {
    type: "ReadNotifyRequest",
    dataType: DBR.CTRL_DOUBLE,
    dataCount: 0,
    sid: 34,
    ioid: 0xffffffff,
  },
  ReadNotifyResponse: {
    type: "ReadNotifyResponse",
    dataType: DBR.TIME_LONG,
    dataCount: 3,
    ecaStatus: ECA.NORMAL,
    ioid: 5,
    data: {
      value: Int32Array.of(1, -2, 3),
      status: 3,
      severity: 2,
      timestamp: { secondsSinceEpoch: 1_000_000_000, nanoseconds: 5 },
    },
    dataStatus: ECA.NORMAL,
  },
  WriteRequest: {
    type: "WriteRequest",
    dataType: DBR.STRING,
    dataCount: 2,
    sid: 34,
    ioid: 6,
    data: { value: ["first", "second"] },
    dataStatus: ECA.NORMAL,
  },
  WriteNotifyRequest: {
    type: "WriteNotifyRequest",
    dataType: DBR.FLOAT,
    dataCount: 1,
    sid: 34,
    ioid: 7,
    data: { value: Float32Array.of(2.5) },
    dataStatus: ECA.NORMAL,
  },
  WriteNotifyResponse: {
    type: "WriteNotifyResponse",
    dataType: DBR.FLOAT,
    dataCount: 1,
    ecaStatus: ECA.PUTFAIL,
    ioid: 7,
  },
  EventAddRequest: {
    type: "EventAddRequest",
    dataType: DBR.TIME_ENUM,
    dataCount: 1,
    sid: 34,
    subscriptionId: 8,
    mask: DBE.VALUE | DBE.ALARM | DBE.PROPERTY,
  },
  EventAddResponse: {
    type: "EventAddResponse",
    dataType: DBR.GR_CHAR,
    dataCount: 2,
    ecaStatus: ECA.NORMAL,
    subscriptionId: 8,
    data: {
      value: Uint8Array.of(7, 250),
      status: 0,
      severity: 0,
      units: "cnt",
      upperDisplayLimit: 255,
      lowerDisplayLimit: 0,
      upperAlarmLimit: 240,
      upperWarningLimit: 200,
      lowerWarningLimit: 10,
      lowerAlarmLimit: 5,
    },
    dataStatus: ECA.NORMAL,
  },
  EventCancelRequest: {
    type: "EventCancelRequest",
    dataType: DBR.TIME_ENUM,
    dataCount: 1,
    sid: 34,
    subscriptionId: 8,
  },
  EventCancelResponse: {
    type: "EventCancelResponse",
    dataType: DBR.TIME_ENUM,
    dataCount: 1,
    sid: 34,
    subscriptionId: 8,
  },
};

const clientSent = (type: string): boolean => type.endsWith("Request");
const viaUdp = new Set<string>([
  "UdpVersionRequest",
  "UdpVersionResponse",
  "SearchResponse",
  "NotFoundResponse",
  "RsrvIsUpResponse",
  "RepeaterRegisterRequest",
  "RepeaterConfirmResponse",
]);

describe("every command", () => {
  it.each(Object.entries(examples))("%s survives encode and decode", (type, message) => {
    const bytes = encode(message);
    expect(bytes.length % 8).toBe(0);
    const sender: CaSender = clientSent(type) ? "client" : "server";
    const decoded = viaUdp.has(type) ? decodeDatagram(bytes, sender) : decodeStream(bytes, sender);
    expect(decoded).toEqual([message]);
  });

  it("decodes a whole circuit's worth in one stream, in order", () => {
    const fromServer = Object.values(examples).filter(
      (m) => !clientSent(m.type) && !m.type.startsWith("Udp"),
    );
    const decoded = new CaStreamReader({ sender: "server" }).push(encodeMessages(fromServer));
    expect(decoded).toEqual(fromServer);
  });

  it("encodes values given loosely (numbers, strings, arrays) as the DBR type", () => {
    const bytes = encode({
      type: "WriteNotifyRequest",
      dataType: DBR.LONG,
      dataCount: 3,
      sid: 1,
      ioid: 2,
      data: { value: [1.9, -2, 3e9] },
    });
    const [decoded] = decodeStream(bytes, "client");
    expect(decoded).toMatchObject({ data: { value: Int32Array.of(1, -2, -2147483648) } });
    const enumByName = encode({
      type: "WriteRequest",
      dataType: DBR.ENUM,
      dataCount: 1,
      sid: 1,
      ioid: 2,
      data: { value: "On", enumStrings: ["Off", "On"] },
    });
    expect(toHex(enumByName.subarray(16, 18))).toBe("00 01");
  });

  it("converts a string for a reply as dbGet does and for a write as dbPut does", () => {
    const reply = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.DOUBLE,
      dataCount: 1,
      ecaStatus: ECA.NORMAL,
      ioid: 1,
      data: { value: "" },
    });
    expect(toHex(reply.subarray(16))).toBe("00 00 00 00 00 00 00 00");
    expect(() =>
      encode({
        type: "WriteRequest",
        dataType: DBR.DOUBLE,
        dataCount: 1,
        sid: 1,
        ioid: 1,
        data: { value: "" },
      }),
    ).toThrow(CaConversionError);
  });

  it("pads a value shorter than the count with zeros, as RSRV does", () => {
    const bytes = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.SHORT,
      dataCount: 4,
      ecaStatus: ECA.NORMAL,
      ioid: 1,
      data: { value: Int16Array.of(5, 6) },
    });
    expect(toHex(bytes.subarray(16))).toBe("00 05 00 06 00 00 00 00");
  });

  it("leaves data null with ECA_BADTYPE / ECA_BADCOUNT when a write's payload cannot be decoded", () => {
    const badType = concat(hex("0013 0008 0063 0001 00000001 00000002"), new Uint8Array(8));
    expect(decodeStream(badType, "client")).toEqual([
      {
        type: "WriteNotifyRequest",
        dataType: 99,
        dataCount: 1,
        sid: 1,
        ioid: 2,
        data: null,
        dataStatus: ECA.BADTYPE,
      },
    ]);
    const shortPayload = concat(hex("0004 0008 0006 0002 00000001 00000002"), new Uint8Array(8));
    expect(decodeStream(shortPayload, "client")).toMatchObject([
      { type: "WriteRequest", data: null, dataStatus: ECA.BADCOUNT },
    ]);
  });

  it("ignores the zero-filled payload of a failed read", () => {
    const bytes = encode({
      type: "ReadNotifyResponse",
      dataType: DBR.TIME_DOUBLE,
      dataCount: 1,
      ecaStatus: ECA.GETFAIL,
      ioid: 4,
      data: null,
    });
    expect(bytes.length).toBe(16 + 24);
    expect(decodeStream(bytes, "server")).toMatchObject([{ ecaStatus: ECA.GETFAIL, data: null }]);
  });

  it("refuses to encode fields out of range, naming them", () => {
    expect(() => encode({ type: "CreateChFailResponse", cid: -1 })).toThrow(/cid -1/);
    expect(() => encode({ type: "VersionRequest", priority: 0, minorVersion: 70_000 })).toThrow(
      LocalProtocolError,
    );
    expect(() =>
      encode({
        type: "WriteRequest",
        dataType: DBR.DOUBLE,
        dataCount: 1,
        sid: 1,
        ioid: 1,
        data: null,
      }),
    ).toThrow(LocalProtocolError);
    expect(() =>
      encode({
        type: "ReadNotifyResponse",
        dataType: 40,
        dataCount: 1,
        ecaStatus: 1,
        ioid: 1,
        data: { value: 1 },
      }),
    ).toThrow(/DBR type 40 does not exist/);
  });

  it("rejects what the sender never sends, as a RemoteProtocolError naming the command", () => {
    const accessRights = encode({ type: "AccessRightsResponse", cid: 1, accessRights: 3 });
    expect(() => decodeStream(accessRights, "client")).toThrow(/ACCESS_RIGHTS from a client/);
    const obsolete = hex("0003 0000 0006 0001 00000001 00000001");
    expect(() => decodeStream(obsolete, "client")).toThrow(/obsolete/);
    const unknown = hex("0063 0000 0000 0000 00000000 00000000");
    expect(() => decodeStream(unknown, "server")).toThrow(RemoteProtocolError);
    const shortEventAdd = concat(hex("0001 0008 0006 0001 00000001 00000001"), new Uint8Array(8));
    expect(() => decodeStream(shortEventAdd, "client")).toThrow(/EVENT_ADD request carries 8/);
  });
});

describe("a reply around a payload encoded once", () => {
  it("gives the bytes encode gives, with the extended header when the payload needs it", () => {
    const cases = [
      { dataType: DBR.TIME_DOUBLE, dataCount: 1, value: [2.5] },
      { dataType: DBR.STRING, dataCount: 3, value: ["a", "bc", "def"] },
      {
        dataType: DBR.DOUBLE,
        dataCount: 70_000,
        value: Float64Array.from({ length: 5 }, (_, i) => i),
      },
    ];
    for (const { dataType, dataCount, value } of cases) {
      const data = { value, units: "mm", timestamp: { secondsSinceEpoch: 5, nanoseconds: 6 } };
      const payload = encodeDbr(dataType, data, { count: dataCount, forReading: true });
      const read = {
        type: "ReadNotifyResponse",
        dataType,
        dataCount,
        ecaStatus: ECA.NORMAL,
        ioid: 77,
        data,
      } as const;
      expect(toHex(concat(encodeHeaderFor(read, payload), payload))).toBe(toHex(encode(read)));
      const update = {
        type: "EventAddResponse",
        dataType,
        dataCount,
        ecaStatus: ECA.NORMAL,
        subscriptionId: 9,
        data,
      } as const;
      expect(toHex(concat(encodeHeaderFor(update, payload), payload))).toBe(toHex(encode(update)));
    }
    const big = encodeDbr(DBR.DOUBLE, { value: [1] }, { count: 70_000 });
    const header = encodeHeaderFor(
      {
        type: "ReadNotifyResponse",
        dataType: DBR.DOUBLE,
        dataCount: 70_000,
        ecaStatus: 1,
        ioid: 1,
        data: null,
      },
      big,
    );
    expect(header.length).toBe(24);
  });

  it("refuses a payload whose size is not the one the type and count take", () => {
    const payload = encodeDbr(DBR.DOUBLE, { value: [1, 2] });
    const message = {
      type: "ReadNotifyResponse",
      dataType: DBR.DOUBLE,
      dataCount: 3,
      ecaStatus: ECA.NORMAL,
      ioid: 1,
      data: null,
    } as const;
    expect(() => encodeHeaderFor(message, payload)).toThrow(LocalProtocolError);
  });
});
