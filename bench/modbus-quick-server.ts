// The fastest Modbus TCP server this benchmark can have: it answers "read holding registers"
// at once, from a fixed table, so a round trip costs the socket and the client alone. The
// Eurotherm emulator runs on modbus-serial's ServerTCP, which answers each request after a
// setTimeout(0) (a millisecond), and that wait would hide any client's own cost.
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";

const HEADER = 7; // MBAP: transaction id, protocol id, length, unit id
const READ_HOLDING_REGISTERS = 3;

export interface QuickModbusServer {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startQuickModbusServer(): Promise<QuickModbusServer> {
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER) {
        const frameLength = 6 + pending.readUInt16BE(4);
        if (pending.length < frameLength) break;
        socket.write(answer(pending.subarray(0, frameLength)));
        pending = pending.subarray(frameLength);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Register n holds 100 + n; any other function gets exception 1 (illegal function). */
function answer(request: Buffer): Buffer {
  const fc = request[HEADER]!;
  if (fc !== READ_HOLDING_REGISTERS) {
    const reply = Buffer.from(request.subarray(0, HEADER + 2));
    reply.writeUInt16BE(3, 4);
    reply[HEADER] = fc | 0x80;
    reply[HEADER + 1] = 1;
    return reply;
  }
  const address = request.readUInt16BE(HEADER + 1);
  const count = request.readUInt16BE(HEADER + 3);
  const reply = Buffer.alloc(HEADER + 2 + 2 * count);
  request.copy(reply, 0, 0, HEADER); // transaction, protocol and unit ids as asked
  reply.writeUInt16BE(3 + 2 * count, 4);
  reply[HEADER] = fc;
  reply[HEADER + 1] = 2 * count;
  for (let i = 0; i < count; i++) reply.writeUInt16BE(100 + address + i, HEADER + 2 + 2 * i);
  return reply;
}
