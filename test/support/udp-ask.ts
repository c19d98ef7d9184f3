// A PyExpLabSys client's request: one datagram to a loopback port, its one reply as text.
import { createSocket } from "node:dgram";

export async function askUdp(port: number, request: string): Promise<string> {
  const socket = createSocket("udp4");
  try {
    const reply = new Promise<Buffer>((resolve) => socket.once("message", resolve));
    socket.send(Buffer.from(request), port, "127.0.0.1");
    return (await reply).toString("latin1");
  } finally {
    socket.close();
  }
}
