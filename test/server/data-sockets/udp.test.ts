// The data sockets over real UDP on loopback: requests and replies as datagrams.
import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { realClock } from "../../../src/core/index.js";
import {
  DatagramTooLargeError,
  LiveSocketCore,
  PullSocketCore,
  PushSocketCore,
  SocketGroup,
  UdpDataSocket,
  UdpLiveSender,
} from "../../../src/server/data-sockets/index.js";

/** A UDP client on loopback that hands out the datagrams it receives, in order. */
class Client {
  private readonly queue: Buffer[] = [];
  private readonly waiting: ((datagram: Buffer) => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on("message", (datagram) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(datagram);
      else this.queue.push(datagram);
    });
  }

  static async open(): Promise<Client> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return new Client(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(port: number, text: string | Buffer): void {
    this.socket.send(typeof text === "string" ? Buffer.from(text) : text, port, "127.0.0.1");
  }

  next(): Promise<Buffer> {
    const ready = this.queue.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async ask(port: number, text: string | Buffer): Promise<string> {
    this.send(port, text);
    return (await this.next()).toString("latin1");
  }

  close(): void {
    this.socket.close();
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(core: PullSocketCore | PushSocketCore, onError?: (e: Error) => void) {
  const served = await UdpDataSocket.serve(core, { port: 0, ...(onError ? { onError } : {}) });
  cleanups.push(() => served.close());
  return served;
}

async function client(): Promise<Client> {
  const opened = await Client.open();
  cleanups.push(() => opened.close());
  return opened;
}

describe("data sockets over UDP", () => {
  it("answers pull and push requests from the bound port, and status names both by it", async () => {
    const group = new SocketGroup();
    const pull = new PullSocketCore({
      name: "moon socket",
      codenames: ["a", "b"],
      clock: realClock,
      group,
    });
    const push = new PushSocketCore({ name: "push socket", clock: realClock, group });
    const [pulled, pushed] = [await serve(pull), await serve(push)];
    expect(pulled.host).toBe("127.0.0.1");
    expect(pulled.port).not.toBe(9000);
    pull.setPoint("a", [1414150015.5, 47.0]);
    const c = await client();
    expect(await c.ask(pulled.port, "name")).toBe("moon socket");
    expect(await c.ask(pulled.port, "a#raw")).toBe("1414150015.5,47.0");
    expect(await c.ask(pulled.port, "nope")).toBe("UNKNOWN_COMMMAND");
    expect(await c.ask(pushed.port, 'json_wn#{"x": 1}')).toBe("ACK#{'x': 1}");
    const text = await c.ask(pushed.port, "status");
    const status = JSON.parse(text) as {
      socket_server_status: Record<string, { name: string; type: string; status: string }>;
    };
    // In creation order on the wire (JSON.parse would sort numeric keys).
    expect(
      text.indexOf(`"${pulled.port}": {"name": "moon socket", "type": "date", "status": "OK"`),
    ).toBeLessThan(
      text.indexOf(
        `"${pushed.port}": {"name": "push socket", "type": "push", "status": "DISABLED"`,
      ),
    );
    expect(text.indexOf(`"${pulled.port}": {`)).toBeGreaterThan(0);
    expect(status.socket_server_status[String(pushed.port)]).toMatchObject({
      type: "push",
      status: "DISABLED",
    });
  });

  it("reads only the first 8192 bytes of a request, as the original does", async () => {
    const pushed = await serve(new PushSocketCore({ name: "p", clock: realClock }));
    const c = await client();
    const reply = await c.ask(pushed.port, `json_wn#${"x".repeat(9000)}`);
    expect(reply).toBe(`ERROR#The string '${"x".repeat(8192 - 8)}' could not be decoded as JSON`);
  });

  it("sends no reply to a non-ASCII request", async () => {
    const pulled = await serve(
      new PullSocketCore({ name: "s", codenames: ["a"], clock: realClock }),
    );
    const c = await client();
    c.send(pulled.port, Buffer.from("n\u00e4me", "utf8"));
    expect(await c.ask(pulled.port, "name")).toBe("s");
  });

  it("refuses a reply too large for UDP with an error rather than cutting it", async () => {
    const errors: Error[] = [];
    let reported: () => void = () => {};
    const refused = new Promise<void>((resolve) => (reported = resolve));
    const codenames = Array.from({ length: 4000 }, (_, i) => `codename_${i}`);
    const core = new PullSocketCore({ name: "big", codenames, clock: realClock });
    const pulled = await serve(core, (error) => {
      errors.push(error);
      reported();
    });
    const c = await client();
    c.send(pulled.port, "json_wn");
    await refused;
    expect(errors[0]).toBeInstanceOf(DatagramTooLargeError);
    expect(errors[0]!.message).toMatch(
      /^The reply of big \(port \d+\) is \d+ bytes, more than the 65507/,
    );
    expect(await c.ask(pulled.port, "name")).toBe("big");
  });

  it("refuses a second socket on a port of the group", async () => {
    const group = new SocketGroup();
    const first = await serve(
      new PullSocketCore({ name: "a", codenames: [], clock: realClock, group }),
    );
    const second = new PullSocketCore({ name: "b", codenames: [], clock: realClock, group });
    await expect(UdpDataSocket.serve(second, { port: first.port })).rejects.toThrow();
  });

  it("sends a LiveSocket's datagrams to the live server and refuses one too large", async () => {
    const server = await client();
    const live = new LiveSocketCore({
      name: "live",
      codenames: ["a", "b"],
      host: "vm",
      clock: realClock,
    });
    const sender = await UdpLiveSender.open(live, { host: "127.0.0.1", port: server.port });
    cleanups.push(() => sender.close());
    await sender.send(live.setPoint("a", [1.0, 2.5]));
    expect((await server.next()).toString("utf8")).toBe(
      '{"host": "vm", "data": {"a": [1.0, 2.5]}}',
    );
    await expect(sender.send(live.setPoint("b", [1.0, "x".repeat(70000)]))).rejects.toBeInstanceOf(
      DatagramTooLargeError,
    );
    await sender.send(live.reset(["a"]));
    expect((await server.next()).toString("utf8")).toBe('{"host": "vm", "data": {"a": "RESET"}}');
  });
});
