// Random and damaged input never makes the codec throw anything but RemoteProtocolError.
import { describe, expect, it } from "vitest";
import {
  CaCommand,
  CaStreamReader,
  DBR,
  ECA,
  RemoteProtocolError,
  decodeDatagram,
  decodeDbr,
  encodeMessages,
  type CaMessageInput,
  type CaSender,
} from "../../../src/ca/index.js";
import { seededRandom } from "../../support/seeded-random.js";
import { randomChunks } from "./bytes.js";

const clientTraffic: CaMessageInput[] = [
  { type: "VersionRequest", priority: 0, minorVersion: 13 },
  { type: "HostNameRequest", name: "ws1" },
  { type: "CreateChanRequest", name: "IOC:m1", cid: 1, minorVersion: 13 },
  {
    type: "EventAddRequest",
    dataType: DBR.TIME_DOUBLE,
    dataCount: 0,
    sid: 1,
    subscriptionId: 2,
    mask: 5,
  },
  {
    type: "WriteNotifyRequest",
    dataType: DBR.CTRL_ENUM,
    dataCount: 1,
    sid: 1,
    ioid: 3,
    data: { value: 1, enumStrings: ["a", "b"] },
  },
  {
    type: "WriteRequest",
    dataType: DBR.STRING,
    dataCount: 2,
    sid: 1,
    ioid: 4,
    data: { value: ["x", "y"] },
  },
  { type: "SearchRequest", name: "IOC:m2", cid: 5, minorVersion: 13, replyIfNotFound: true },
  { type: "ClearChannelRequest", sid: 1, cid: 1 },
];

const serverTraffic: CaMessageInput[] = [
  { type: "VersionResponse", priority: 0, minorVersion: 13 },
  { type: "CreateChanResponse", cid: 1, sid: 1, nativeType: DBR.DOUBLE, nativeCount: 1 },
  {
    type: "EventAddResponse",
    dataType: DBR.GR_DOUBLE,
    dataCount: 2,
    ecaStatus: ECA.NORMAL,
    subscriptionId: 2,
    data: { value: [1, 2], units: "mm" },
  },
  {
    type: "ReadNotifyResponse",
    dataType: DBR.TIME_STRING,
    dataCount: 1,
    ecaStatus: ECA.NORMAL,
    ioid: 3,
    data: { value: "s" },
  },
  {
    type: "ErrorResponse",
    cid: 1,
    ecaStatus: ECA.BADTYPE,
    offendingHeader: {
      command: 15,
      payloadSize: 0,
      dataType: 60,
      dataCount: 1,
      parameter1: 1,
      parameter2: 3,
    },
    message: "bad",
  },
  { type: "SearchResponse", cid: 5, port: 5064, serverAddress: 0, minorVersion: 13 },
  {
    type: "EventCancelResponse",
    dataType: DBR.TIME_DOUBLE,
    dataCount: 1,
    sid: 1,
    subscriptionId: 2,
  },
];

const corpus: ReadonlyArray<readonly [CaSender, Uint8Array]> = [
  ["client", encodeMessages(clientTraffic)],
  ["server", encodeMessages(serverTraffic)],
];

/** Runs `fn`, returning a description of any error that is not a RemoteProtocolError. */
function unexpectedError(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof RemoteProtocolError
      ? undefined
      : String((error as Error)?.stack ?? error);
  }
}

/** A damaged copy of `bytes`: flipped bytes, a cut, inserted junk or a forged header. */
function damage(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const pick = (n: number) => Math.floor(random() * n);
  switch (pick(4)) {
    case 0:
      for (let i = 0, n = 1 + pick(6); i < n; i++) out[pick(out.length)] = pick(256);
      return out;
    case 1:
      return out.subarray(0, pick(out.length));
    case 2: {
      const at = pick(out.length);
      const junk = Uint8Array.from({ length: 1 + pick(40) }, () => pick(256));
      const joined = new Uint8Array(out.length + junk.length);
      joined.set(out.subarray(0, at));
      joined.set(junk, at);
      joined.set(out.subarray(at), at + junk.length);
      return joined;
    }
    default: {
      // A forged header with a real command and random fields, then random payload.
      const payload = pick(3) === 0 ? 0 : 8 * pick(70);
      const forged = new Uint8Array(16 + payload);
      const view = new DataView(forged.buffer);
      view.setUint16(0, pick(CaCommand.SERVER_DISCONN + 1));
      view.setUint16(2, pick(5) === 0 ? 0xffff : payload);
      view.setUint16(4, pick(5) === 0 ? pick(0x10000) : pick(45));
      view.setUint16(6, pick(4) === 0 ? 0 : pick(5) === 0 ? pick(0x10000) : pick(12));
      view.setUint32(8, pick(2) === 0 ? ECA.NORMAL : pick(2 ** 32));
      view.setUint32(12, pick(2 ** 32));
      for (let i = 16; i < forged.length; i++) forged[i] = pick(256);
      return forged;
    }
  }
}

describe("fuzzing the decoders (seeded)", () => {
  it("damaged streams and datagrams raise only RemoteProtocolError", () => {
    const random = seededRandom(0xca11ab1e);
    const failures: string[] = [];
    for (let round = 0; round < 1500; round++) {
      const [sender, bytes] = corpus[round % corpus.length]!;
      const damaged = damage(bytes, random);
      const reader = new CaStreamReader({ sender, maxPayloadSize: 4096 });
      const problem =
        unexpectedError(() => {
          for (const chunk of randomChunks(damaged, random, 48)) reader.push(chunk);
        }) ??
        unexpectedError(() => decodeDatagram(damaged, sender)) ??
        unexpectedError(() => decodeDatagram(damaged, sender === "client" ? "server" : "client"));
      if (problem) failures.push(`round ${round}: ${problem}`);
    }
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it("random bytes raise only RemoteProtocolError", () => {
    const random = seededRandom(7);
    const failures: string[] = [];
    for (let round = 0; round < 1500; round++) {
      let bytes = Uint8Array.from({ length: Math.floor(random() * 120) }, () =>
        Math.floor(random() * 256),
      );
      // Mostly one message with a real command and a payload that fits, so random fields reach
      // the decoders.
      if (bytes.length >= 16 && random() < 0.8) {
        const view = new DataView(bytes.buffer);
        const payloadSize = 8 * Math.floor((random() * (bytes.length - 16)) / 8);
        view.setUint16(0, Math.floor(random() * (CaCommand.SERVER_DISCONN + 1)));
        view.setUint16(2, payloadSize);
        if (random() < 0.5) view.setUint16(4, Math.floor(random() * 40));
        if (random() < 0.7) bytes = bytes.subarray(0, 16 + payloadSize);
      }
      for (const sender of ["client", "server"] as const) {
        const problem =
          unexpectedError(() => new CaStreamReader({ sender, maxPayloadSize: 4096 }).push(bytes)) ??
          unexpectedError(() => decodeDatagram(bytes, sender));
        if (problem) failures.push(`round ${round}: ${problem}`);
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it("random DBR payloads raise only RemoteProtocolError", () => {
    const random = seededRandom(42);
    const failures: string[] = [];
    for (let round = 0; round < 1500; round++) {
      const type = Math.floor(random() * 45);
      const count = random() < 0.1 ? Math.floor(random() * 2 ** 32) : Math.floor(random() * 12);
      const payload = Uint8Array.from({ length: Math.floor(random() * 600) }, () =>
        Math.floor(random() * 256),
      );
      const problem = unexpectedError(() => decodeDbr(type, count, payload));
      if (problem) failures.push(`round ${round} (type ${type}, count ${count}): ${problem}`);
    }
    expect(failures.slice(0, 3)).toEqual([]);
  });
});
