// The CA repeater: registration (REPEATER_REGISTER or libca's empty datagram), beacons
// handed to every registered client, clients that are gone forgotten.
import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { CaRepeater, decodeDatagram, encode, type CaMessage } from "../../src/ca/index.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function repeater(): Promise<CaRepeater> {
  const started = new CaRepeater({ port: 0, address: "127.0.0.1" });
  await started.start();
  cleanups.push(() => started.close());
  return started;
}

/** A UDP socket on loopback and the CA messages it receives, awaitable one by one. */
async function udpClient(): Promise<{ socket: Socket; next(): Promise<CaMessage[]> }> {
  const socket = createSocket("udp4");
  const inbox: CaMessage[][] = [];
  let waiter: ((m: CaMessage[]) => void) | undefined;
  socket.on("message", (datagram) => {
    const messages = decodeDatagram(datagram, "server");
    if (waiter) {
      waiter(messages);
      waiter = undefined;
    } else inbox.push(messages);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    socket,
    next: () =>
      inbox.length > 0
        ? Promise.resolve(inbox.shift()!)
        : new Promise<CaMessage[]>((resolve) => (waiter = resolve)),
  };
}

const register = encode({ type: "RepeaterRegisterRequest", clientAddress: 0 });
const beacon = (beaconId: number): Uint8Array =>
  encode({ type: "RsrvIsUpResponse", minorVersion: 13, port: 5064, beaconId, serverAddress: 0 });

describe("CaRepeater", () => {
  it("confirms a registration and hands every beacon to each registered client", async () => {
    const hub = await repeater();
    const [a, b, server] = await Promise.all([udpClient(), udpClient(), udpClient()]);
    for (const client of [a, b]) {
      client.socket.send(register, hub.port, "127.0.0.1");
      expect(await client.next()).toMatchObject([{ type: "RepeaterConfirmResponse" }]);
    }
    expect(hub.clientCount).toBe(2);
    server.socket.send(beacon(7), hub.port, "127.0.0.1");
    for (const client of [a, b]) {
      expect(await client.next()).toMatchObject([{ type: "RsrvIsUpResponse", beaconId: 7 }]);
    }
  });

  it("takes an empty datagram as a registration, as libca sends it", async () => {
    const hub = await repeater();
    const client = await udpClient();
    client.socket.send(Buffer.alloc(0), hub.port, "127.0.0.1");
    expect(await client.next()).toMatchObject([{ type: "RepeaterConfirmResponse" }]);
    expect(hub.clientCount).toBe(1);
  });

  it("forgets a client whose port is free again when another registers", async () => {
    const hub = await repeater();
    const gone = await udpClient();
    gone.socket.send(register, hub.port, "127.0.0.1");
    await gone.next();
    await new Promise<void>((resolve) => gone.socket.close(() => resolve()));
    cleanups.pop();
    const stays = await udpClient();
    stays.socket.send(register, hub.port, "127.0.0.1");
    await stays.next();
    await expect.poll(() => hub.clientCount).toBe(1);
  });

  it("refuses a second repeater on the same port", async () => {
    const hub = await repeater();
    const second = new CaRepeater({ port: hub.port, address: "127.0.0.1" });
    await expect(second.start()).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
