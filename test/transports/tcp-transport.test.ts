// TcpTransport and RequestChannel against a real server on 127.0.0.1: an instrument behind
// a terminal server, which hangs up mid-session and comes back on the same port.
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelState } from "../../src/transports/index.js";
import {
  LineFramer,
  RequestChannel,
  TcpTransport,
  TransportDroppedError,
  TransportOpenError,
} from "../../src/transports/index.js";

/** A line server answering each "\r\n"-terminated command with `<command>5.0`. */
class Instrument {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async listen(port = 0): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
      const framer = new LineFramer();
      socket.on("data", (chunk) => {
        for (const command of framer.push(chunk)) socket.write(`${command}5.0\r\n`);
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and hangs up on every client. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function nextState(channel: RequestChannel, wanted: ChannelState): Promise<void> {
  return new Promise((resolve) => {
    const off = channel.onStateChange((state) => {
      if (state !== wanted) return;
      off();
      resolve();
    });
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function instrument(): Promise<Instrument> {
  const server = new Instrument();
  await server.listen();
  cleanups.push(() => server.stop());
  return server;
}

async function openChannel(port: number): Promise<RequestChannel> {
  const channel = new RequestChannel(new TcpTransport({ host: "127.0.0.1", port }), {
    timeout: 2,
    reconnect: { initialDelay: 0.02, maxDelay: 0.1 },
  });
  await channel.open();
  cleanups.push(() => channel.close());
  return channel;
}

describe("TcpTransport", () => {
  it("names the address when the connection is refused", async () => {
    const server = await instrument();
    const port = server.port;
    await server.stop();
    const transport = new TcpTransport({ host: "127.0.0.1", port });
    expect(transport.name).toBe(`tcp:127.0.0.1:${port}`);
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportOpenError);
    expect((error as Error).message).toBe(
      `tcp:127.0.0.1:${port}: cannot open: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it("runs queries round trip through a RequestChannel, concurrent ones in order", async () => {
    const server = await instrument();
    const channel = await openChannel(server.port);
    expect(await channel.query("1TP")).toBe("1TP5.0");
    const commands = Array.from({ length: 20 }, (_, i) => `${i + 1}TP`);
    const replies = await Promise.all(commands.map((c) => channel.query(c)));
    expect(replies).toEqual(commands.map((c) => `${c}5.0`));
  });

  it("reports the server hanging up as a drop, and a close it was asked for without error", async () => {
    const server = await instrument();
    const transport = new TcpTransport({ host: "127.0.0.1", port: server.port });
    await transport.open();
    const dropped = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    await server.stop();
    const error = await dropped;
    expect(error).toBeInstanceOf(TransportDroppedError);
    expect(error?.message).toBe(
      `tcp:127.0.0.1:${server.port}: dropped: connection closed by the peer`,
    );
    await server.listen(server.port);
    await transport.open();
    const closes: Array<Error | undefined> = [];
    transport.onClose((e) => closes.push(e));
    await transport.close();
    expect(closes).toEqual([undefined]);
    expect(transport.isOpen).toBe(false);
  });

  it("reconnects by itself when the server comes back, with a request waiting through it", async () => {
    const server = await instrument();
    const channel = await openChannel(server.port);
    const states: ChannelState[] = [];
    channel.onStateChange((state) => states.push(state));
    expect(await channel.query("1TP")).toBe("1TP5.0");

    const reconnecting = nextState(channel, "reconnecting");
    await server.stop();
    await reconnecting;
    const reply = channel.query("1VA?", { timeout: 3 }); // waits: the server is gone
    await server.listen(server.port);
    expect(await reply).toBe("1VA?5.0");
    expect(states).toEqual(["reconnecting", "open"]);
  });
});
