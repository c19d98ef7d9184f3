// `hil ca-repeater` as a process: it confirms a registration, hands a beacon on, leaves the
// port to a repeater already running, and stops on Ctrl-C.
import { createSocket, type Socket } from "node:dgram";
import { afterEach, expect, it } from "vitest";
import { decodeDatagram, encode, type CaMessage } from "../../src/ca/index.js";
import { hil as runHil, startHil } from "./run-hil.js";

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A UDP socket on loopback whose next datagram can be awaited, decoded. */
async function udp(): Promise<{ socket: Socket; next(): Promise<CaMessage[]> }> {
  const socket = createSocket("udp4");
  sockets.push(socket);
  const waiting: Array<(messages: CaMessage[]) => void> = [];
  socket.on("message", (datagram) => waiting.shift()?.(decodeDatagram(datagram, "server")));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, next: () => new Promise((resolve) => waiting.push(resolve)) };
}

it("registers clients, hands beacons on, yields to a running repeater, stops on Ctrl-C", async () => {
  const hil = startHil(["ca-repeater", "--port", "0"]);
  await hil.waitFor("Ctrl-C stops it");
  const port = Number(/UDP port (\d+)/.exec(hil.output())?.[1]);
  expect(port).toBeGreaterThan(0);

  const client = await udp();
  const confirmed = client.next();
  client.socket.send(
    encode({ type: "RepeaterRegisterRequest", clientAddress: 0 }),
    port,
    "127.0.0.1",
  );
  expect(await confirmed).toMatchObject([{ type: "RepeaterConfirmResponse" }]);

  const server = await udp();
  const beacon = client.next();
  server.socket.send(
    encode({
      type: "RsrvIsUpResponse",
      minorVersion: 13,
      port: 5064,
      beaconId: 42,
      serverAddress: 0,
    }),
    port,
    "127.0.0.1",
  );
  expect(await beacon).toMatchObject([{ type: "RsrvIsUpResponse", beaconId: 42 }]);

  const second = await runHil(["ca-repeater", "--port", String(port)]);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain(`a CA repeater already has UDP port ${port}`);

  hil.signal("SIGINT");
  expect((await hil.done).code).toBe(0);
});
