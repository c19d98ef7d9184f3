// The ceiling of the Channel Access benchmark: a server that does no work. It answers
// searches and channel creation, then replies to each read and put-with-callback with
// bytes encoded once at start (only the IOID is patched in). What a client achieves
// against it is the most any server could give that client on this machine, so the
// benchmark divides by it. Same PV names and stdout/stdin protocol as ca-bench-server.ts.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import {
  CA_MINOR_VERSION,
  CaStreamReader,
  DBR,
  ECA,
  decodeDatagram,
  encode,
  encodeMessages,
  type CaMessageInput,
  type DbrValueInput,
} from "../src/ca/index.js";

const values: Record<string, DbrValueInput> = {
  "bench:double": 1.5,
  "bench:wave": Float64Array.from({ length: 100_000 }, (_, i) => i),
  "bench:put": 0,
  "bench:monitor": 0,
};
const names = Object.keys(values);

function bytes(message: CaMessageInput): Buffer {
  const encoded = encode(message);
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/**
 * Each PV's plain read reply, by SID (its index in `names`), as its header and its payload:
 * each reply copies the header to patch the IOID in and sends the one payload buffer as is.
 */
const readReplies = names.map((name) => {
  const value = values[name]!;
  const count = typeof value === "number" ? 1 : (value as Float64Array).length;
  const reply = bytes({
    type: "ReadNotifyResponse",
    dataType: DBR.DOUBLE,
    dataCount: count,
    ecaStatus: ECA.NORMAL,
    ioid: 0,
    data: { value },
  });
  const headerSize = reply.readUInt16BE(2) === 0xffff ? 24 : 16;
  return { header: reply.subarray(0, headerSize), payload: reply.subarray(headerSize) };
});
const writeReply = bytes({
  type: "WriteNotifyResponse",
  dataType: DBR.DOUBLE,
  dataCount: 1,
  ecaStatus: ECA.NORMAL,
  ioid: 0,
});
/** The IOID is parameter2, at byte 12 of the standard and of the extended header. */
const IOID_OFFSET = 12;

const tcp = createServer({ noDelay: true }, (socket) => {
  socket.write(bytes({ type: "VersionResponse", priority: 0, minorVersion: CA_MINOR_VERSION }));
  const reader = new CaStreamReader({ sender: "client" });
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk) => {
    const out: Buffer[] = [];
    for (const message of reader.push(chunk)) {
      if (message.type === "CreateChanRequest") {
        const sid = names.indexOf(message.name);
        const value = values[message.name];
        const count = typeof value === "number" ? 1 : (value as Float64Array).length;
        out.push(bytes({ type: "AccessRightsResponse", cid: message.cid, accessRights: 3 }));
        out.push(
          bytes({
            type: "CreateChanResponse",
            cid: message.cid,
            sid,
            nativeType: DBR.DOUBLE,
            nativeCount: count,
          }),
        );
      } else if (message.type === "ReadNotifyRequest") {
        const { header, payload } = readReplies[message.sid]!;
        const patched = Buffer.from(header);
        patched.writeUInt32BE(message.ioid, IOID_OFFSET);
        out.push(patched, payload);
      } else if (message.type === "WriteNotifyRequest") {
        const reply = Buffer.from(writeReply);
        reply.writeUInt32BE(message.ioid, IOID_OFFSET);
        out.push(reply);
      }
    }
    if (out.length === 0) return;
    // Small replies go out in one write; a large payload is written as it is, uncopied.
    socket.cork();
    let small: Buffer[] = [];
    for (const part of out) {
      if (part.length < 65_536) {
        small.push(part);
        continue;
      }
      if (small.length > 0) socket.write(Buffer.concat(small));
      small = [];
      socket.write(part);
    }
    if (small.length > 0) socket.write(Buffer.concat(small));
    socket.uncork();
  });
});

const udp = createSocket("udp4");
udp.on("message", (datagram, peer) => {
  const port = (tcp.address() as { port: number }).port;
  const replies: CaMessageInput[] = [];
  for (const message of decodeDatagram(datagram, "client")) {
    if (message.type === "SearchRequest" && names.includes(message.name)) {
      replies.push({
        type: "SearchResponse",
        port,
        serverAddress: 0xffffffff,
        cid: message.cid,
        minorVersion: CA_MINOR_VERSION,
      });
    }
  }
  if (replies.length > 0) udp.send(encodeMessages(replies), peer.port, peer.address);
});

tcp.listen(0, "127.0.0.1", () => {
  const port = (tcp.address() as { port: number }).port;
  udp.bind(port, "127.0.0.1", () => console.log(JSON.stringify({ port })));
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
