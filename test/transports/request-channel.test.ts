// The request channel against an in-memory pair and a tiny responder, on the virtual clock:
// every timeout, backoff and late reply happens at an exact simulated time.
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/index.js";
import type {
  ChannelState,
  MemoryTransport,
  RequestChannelOptions,
} from "../../src/transports/index.js";
import {
  LineFramer,
  LineTooLongError,
  ReplyTimeoutError,
  RequestChannel,
  TransportClosedError,
  TransportDroppedError,
  TransportUnavailableError,
  TransportWriteError,
  UnexpectedReplyError,
  memoryPair,
} from "../../src/transports/index.js";

type Handler = (command: string, send: (text: string) => void) => void;

/** The instrument's side: frames commands at "\r\n" and lets `handle` answer each. */
function respond(end: MemoryTransport, handle: Handler): string[] {
  const framer = new LineFramer();
  const seen: string[] = [];
  const send = (text: string): void => void end.write(Buffer.from(text, "latin1"));
  end.onData((chunk) => {
    for (const command of framer.push(chunk)) {
      seen.push(command);
      handle(command, send);
    }
  });
  return seen;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  // A live channel keeps reconnect timers, which an auto VirtualClock would chase forever.
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(handle: Handler, options: RequestChannelOptions = {}) {
  const clock = new VirtualClock();
  const [a, b] = memoryPair("a", "b");
  await b.open();
  const seen = respond(b, handle);
  const logs: string[] = [];
  const channel = new RequestChannel(a, { clock, log: (m) => logs.push(m), ...options });
  await channel.open();
  const states: ChannelState[] = [];
  channel.onStateChange((state) => states.push(state));
  cleanups.push(() => channel.close());
  return { clock, a, b, channel, seen, logs, states };
}

const echo: Handler = (command, send) => send(`${command}5.0\r\n`);

describe("RequestChannel: requests and replies", () => {
  it("writes the command with its terminator and resolves with the reply line", async () => {
    const { channel, seen } = await setup(echo);
    expect(channel.state).toBe("open");
    expect(await channel.query("1TP")).toBe("1TP5.0");
    expect(seen).toEqual(["1TP"]);
  });

  it("joins a reply that arrives in pieces, the terminator split too", async () => {
    const { channel } = await setup((_command, send) => {
      for (const piece of ["1T", "P-0.", "25\r", "\n"]) send(piece);
    });
    expect(await channel.query("1TP")).toBe("1TP-0.25");
  });

  it("uses the terminators and encoding it is given", async () => {
    const clock = new VirtualClock();
    const [a, b] = memoryPair();
    await b.open();
    const received: string[] = [];
    b.onData((chunk) => {
      received.push(Buffer.from(chunk).toString("latin1"));
      void b.write(Buffer.from("\u00b5A\r", "latin1"));
    });
    const channel = new RequestChannel(a, {
      clock,
      outputTerminator: "\n",
      inputTerminator: "\r",
    });
    cleanups.push(() => channel.close());
    await channel.open();
    expect(await channel.query("CUR?")).toBe("\u00b5A");
    expect(received).toEqual(["CUR?\n"]);
  });

  it("queries multi-line replies by count or by their last line", async () => {
    const { channel } = await setup((command, send) => {
      if (command === "STATUS?") send("a=1\r\nb=2\r\nc=3\r\n");
      else send("x\r\ny\r\nEND\r\n");
    });
    expect(await channel.queryLines("STATUS?", { lines: 3 })).toEqual(["a=1", "b=2", "c=3"]);
    expect(await channel.queryLines("DUMP?", { until: "END" })).toEqual(["x", "y", "END"]);
    expect(
      await channel.queryLines("DUMP?", { until: (line) => line.startsWith("E") }),
    ).toHaveLength(3);
    await expect(channel.queryLines("DUMP?", {})).rejects.toThrow(/needs lines or until/);
  });

  it("write() sends a silent command and expects nothing back", async () => {
    const { channel, seen, clock } = await setup(() => undefined);
    await channel.write("1PA2.5");
    expect(seen).toEqual(["1PA2.5"]);
    expect(clock.now()).toBe(0);
  });

  it("rejects bad options naming the port", () => {
    const [a] = memoryPair();
    expect(() => new RequestChannel(a, { timeout: 0 })).toThrow(
      "memory:a: timeout must be positive",
    );
    expect(() => new RequestChannel(a, { retries: -1 })).toThrow(/memory:a: retries/);
  });
});

describe("RequestChannel: one request at a time", () => {
  it("queues concurrent requests first come first served and never interleaves them", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { channel, seen, clock } = await setup((command, send) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Slower replies first: a channel without a lock would mix them up.
      const delay = 0.5 - Number(command.slice(1)) * 0.1;
      clock.schedule(delay, () => {
        inFlight--;
        send(`${command}=ok\r\n`);
      });
    });
    const commands = ["Q0", "Q1", "Q2", "Q3", "Q4"];
    const replies = await Promise.all(commands.map((c) => channel.query(c)));
    expect(replies).toEqual(commands.map((c) => `${c}=ok`));
    expect(seen).toEqual(commands);
    expect(maxInFlight).toBe(1);
    expect(clock.now()).toBeCloseTo(0.5 + 0.4 + 0.3 + 0.2 + 0.1);
  });

  it("times the reply from when the request gets the port, not from when it queued", async () => {
    const { channel, clock } = await setup((command, send) => {
      clock.schedule(0.8, () => send(`${command}\r\n`));
    });
    const replies = await Promise.all(["A", "B", "C"].map((c) => channel.query(c)));
    expect(replies).toEqual(["A", "B", "C"]);
    expect(clock.now()).toBeCloseTo(2.4);
  });
});

describe("RequestChannel: writes", () => {
  /** Holds every write of `end` until the test settles it, as a serial port's callback may. */
  function heldWrites(end: MemoryTransport) {
    const held: Array<{ pass(): void; fail(error: Error): void }> = [];
    const write = end.write.bind(end);
    end.write = (data) =>
      new Promise<void>((resolve, reject) => {
        held.push({
          pass: () => write(data).then(resolve, reject),
          fail: reject,
        });
      });
    return held;
  }

  it("sends twenty thousand silent commands queued behind a query, in order", async () => {
    const { channel, seen, clock } = await setup((command, send) => {
      if (command === "1TP") clock.schedule(0.1, () => send("1TP5.0\r\n"));
    });
    const query = channel.query("1TP");
    const commands = Array.from({ length: 20_000 }, (_, i) => `1PA${i}`);
    const writes = commands.map((c) => channel.write(c));
    expect(await query).toBe("1TP5.0");
    await Promise.all(writes);
    await Promise.resolve(); // the last command reaches the instrument a microtask later
    expect(seen).toEqual(["1TP", ...commands]);
  });

  it("fails a write the port refuses, naming the port and the request, and retries it", async () => {
    const { channel, a, seen } = await setup(echo);
    const held = heldWrites(a);
    const reply = channel.query("1TP", { retries: 1 });
    await Promise.resolve();
    held[0]!.fail(new Error("EIO"));
    await Promise.resolve();
    held[1]!.pass();
    expect(await reply).toBe("1TP5.0");
    expect(seen).toEqual(["1TP"]);

    const refused = channel.write("1PA1").catch((e: unknown) => e);
    await Promise.resolve();
    held[2]!.fail(new Error("EIO"));
    const error = await refused;
    expect(error).toBeInstanceOf(TransportWriteError);
    expect((error as Error).message).toMatch(/^memory:a: .*"1PA1".*EIO/);
  });

  it("does not let a late failure of an earlier attempt's write fail the retry", async () => {
    const { channel, a, clock } = await setup(echo, { timeout: 0.5, retries: 1 });
    const held = heldWrites(a);
    const reply = channel.query("1TP");
    await clock.sleep(0.5); // the first write never completes: that attempt times out
    expect(held).toHaveLength(2);
    held[0]!.fail(new Error("EIO, too late"));
    held[1]!.pass();
    expect(await reply).toBe("1TP5.0");
  });

  it("fails a silent command the port does not take within the timeout", async () => {
    const { channel, a, clock } = await setup(echo, { timeout: 0.5 });
    heldWrites(a);
    const error = channel.write("1PA1").catch((e: unknown) => e);
    await clock.sleep(0.5);
    expect(await error).toBeInstanceOf(TransportWriteError);
    expect(((await error) as Error).message).toMatch(/not written within 0.5 s/);
  });
});

describe("RequestChannel: timeouts and stale input", () => {
  it("names the port, the request and what came back when the reply is late", async () => {
    const { channel, clock } = await setup((_command, send) => send("1T"));
    const error = await channel.query("1TP").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyTimeoutError);
    expect(error).toMatchObject({ code: "HIL_REPLY_TIMEOUT", port: "memory:a", received: "1T" });
    expect((error as Error).message).toBe(
      'memory:a: no reply to "1TP" within 1 s (received so far: "1T")',
    );
    expect(clock.now()).toBe(1);
  });

  it("says so when nothing came back, and shows the lines of a partial multi-line reply", async () => {
    const { channel } = await setup((command, send) => {
      if (command === "DUMP?") send("x=1\r\ny=");
    });
    await expect(channel.query("1TP", { timeout: 0.25 })).rejects.toThrow(
      'memory:a: no reply to "1TP" within 0.25 s (nothing received)',
    );
    await expect(channel.queryLines("DUMP?", { lines: 3 })).rejects.toThrow(
      'memory:a: no reply to "DUMP?" within 1 s (received so far: "x=1\\r\\ny=")',
    );
  });

  it("drops a late reply instead of giving it to the next request", async () => {
    let calls = 0;
    const { channel, clock, logs } = await setup((command, send) => {
      calls++;
      if (calls === 1)
        clock.schedule(1.5, () => send("1TP-99\r\n")); // after the 1 s timeout
      else send(`${command}7\r\n`);
    });
    await expect(channel.query("1TP")).rejects.toBeInstanceOf(ReplyTimeoutError);
    await clock.sleep(1); // the late reply arrives at 1.5 s, while nothing is pending
    expect(channel.droppedBytes).toBe(8);
    expect(logs).toEqual(['memory:a: dropped stale input (no request waiting): "1TP-99\\r\\n"']);
    expect(await channel.query("1TP")).toBe("1TP7");
  });

  it("drops the partial start of a late reply and extra lines after a reply", async () => {
    let calls = 0;
    const { channel } = await setup((command, send) => {
      calls++;
      if (calls === 1) send(`${command}\r\nextra\r\npart`);
      else send(`${command}!\r\n`);
    });
    expect(await channel.query("A")).toBe("A");
    expect(channel.droppedBytes).toBe("extra\r\npart".length);
    expect(await channel.query("B")).toBe("B!");
  });
});

describe("RequestChannel: validation and retries", () => {
  const echoes = (reply: string): string | undefined =>
    reply.startsWith("1TP") ? undefined : "does not echo the command";

  it("rejects garbage through validate with an error naming request and reply", async () => {
    const { channel } = await setup((_command, send) => send("\u0000garbage\r\n"));
    const error = await channel.query("1TP", { validate: echoes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedReplyError);
    expect(error).toMatchObject({ code: "HIL_UNEXPECTED_REPLY", reply: "\u0000garbage" });
    expect((error as Error).message).toBe(
      'memory:a: unexpected reply to "1TP": "\\u0000garbage" (does not echo the command)',
    );
  });

  it("retries after a rejected reply and a timeout, then succeeds", async () => {
    let calls = 0;
    const { channel, seen, logs } = await setup((command, send) => {
      calls++;
      if (calls === 1) send("garbage\r\n");
      else if (calls === 3) send(`${command}5.0\r\n`);
      // the second attempt gets no reply at all
    });
    expect(await channel.query("1TP", { validate: echoes, retries: 2 })).toBe("1TP5.0");
    expect(seen).toEqual(["1TP", "1TP", "1TP"]);
    expect(logs.filter((l) => l.includes("retry"))).toEqual([
      'memory:a: retry 1 of 2: memory:a: unexpected reply to "1TP": "garbage" (does not echo the command)',
      'memory:a: retry 2 of 2: memory:a: no reply to "1TP" within 1 s (nothing received)',
    ]);
  });

  it("waits retryDelay between attempts and gives up after the last one", async () => {
    const { channel, clock, seen } = await setup(() => undefined, {
      retries: 2,
      retryDelay: 0.5,
      timeout: 0.1,
    });
    await expect(channel.query("1TP")).rejects.toBeInstanceOf(ReplyTimeoutError);
    expect(seen).toHaveLength(3);
    expect(clock.now()).toBeCloseTo(0.1 * 3 + 0.5 * 2);
  });

  it("does not retry an error thrown by validate itself", async () => {
    const { channel, seen } = await setup(echo, { retries: 3 });
    const validate = (): never => {
      throw new Error("instrument error 7");
    };
    await expect(channel.query("1TP", { validate })).rejects.toThrow("instrument error 7");
    expect(seen).toHaveLength(1);
  });

  it("fails a reply line longer than maxLineLength", async () => {
    const { channel } = await setup((_c, send) => send("x".repeat(20)), { maxLineLength: 8 });
    const error = await channel.query("DUMP?").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineTooLongError);
    expect((error as Error).message).toBe(
      'memory:a: reply to "DUMP?": a line exceeds 8 bytes without a terminator',
    );
  });
});

describe("RequestChannel: drops and reconnection", () => {
  it("fails the request in flight when the port drops, then reopens by itself", async () => {
    const { channel, a, states, clock } = await setup(() => {
      a.drop(new Error("cable pulled"));
    });
    const error = await channel.query("1TP").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportDroppedError);
    expect((error as Error).message).toBe('memory:a: dropped during "1TP": cable pulled');
    expect(channel.state).toBe("reconnecting");
    await new Promise<void>((resolve) => channel.onStateChange((s) => s === "open" && resolve()));
    expect(states).toEqual(["reconnecting", "open"]);
    expect(clock.now()).toBeCloseTo(0.1);
  });

  it("holds a request while the port is gone and sends it once it is back", async () => {
    const { channel, a, states, clock, seen, logs } = await setup(echo);
    expect(await channel.query("1TP")).toBe("1TP5.0");
    a.vanish(new Error("unplugged"));
    expect(channel.state).toBe("reconnecting");
    clock.schedule(0.5, () => a.restore());
    // Reopen attempts at 0.1 and 0.3 fail; the one at 0.7 finds the port back.
    expect(await channel.query("1VA?", { timeout: 2 })).toBe("1VA?5.0");
    expect(clock.now()).toBeCloseTo(0.7);
    expect(seen).toEqual(["1TP", "1VA?"]);
    expect(states).toEqual(["reconnecting", "open"]);
    expect(logs).toEqual([
      "memory:a: reopen failed (memory:a: cannot open: unplugged); next try in 0.2 s",
      "memory:a: reopen failed (memory:a: cannot open: unplugged); next try in 0.4 s",
      "memory:a: reopened",
    ]);
  });

  it("retries a request whose reply was lost in a drop once the port is back", async () => {
    let calls = 0;
    const { channel, a, seen } = await setup((command, send) => {
      if (++calls === 1) a.drop(new Error("glitch"));
      else send(`${command}5.0\r\n`);
    });
    expect(await channel.query("1TP", { retries: 1 })).toBe("1TP5.0");
    expect(seen).toEqual(["1TP", "1TP"]);
  });

  it("gives up on a port that does not come back within the timeout", async () => {
    const { channel, a, clock } = await setup(echo);
    a.vanish(new Error("unplugged"));
    const error = await channel.query("1TP").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportUnavailableError);
    expect((error as Error).message).toBe(
      'memory:a: "1TP" not sent: the port did not reopen within 1 s' +
        " (last error: memory:a: cannot open: unplugged)",
    );
    expect(clock.now()).toBe(1);
    expect(channel.state).toBe("reconnecting");
  });

  it("backs off by the factor up to maxDelay and stops for good at close()", async () => {
    const { channel, a, clock } = await setup(echo, {
      reconnect: { initialDelay: 0.1, factor: 2, maxDelay: 1 },
    });
    const attempts: number[] = [];
    const open = a.open.bind(a);
    a.open = () => {
      attempts.push(clock.now());
      return open();
    };
    a.vanish();
    await clock.sleep(3);
    expect(attempts.map((t) => t.toFixed(1))).toEqual(["0.1", "0.3", "0.7", "1.5", "2.5"]);
    await channel.close();
    await clock.sleep(10);
    expect(attempts).toHaveLength(5);
    expect(channel.state).toBe("closed");
  });

  it("with reconnect: false, a drop closes the channel until open() is called", async () => {
    const { channel, a, states } = await setup(echo, { reconnect: false });
    a.drop(new Error("cable pulled"));
    expect(channel.state).toBe("closed");
    const error = await channel.query("1TP").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportClosedError);
    expect((error as Error).message).toBe(
      'memory:a: "1TP" not sent: the port is not open: cable pulled',
    );
    await channel.open();
    expect(await channel.query("1TP")).toBe("1TP5.0");
    expect(states).toEqual(["closed", "open"]);
  });

  it("treats a close without an error as deliberate: no reconnection", async () => {
    const { channel, a, clock } = await setup(echo);
    await a.close();
    expect(channel.state).toBe("closed");
    await clock.sleep(10);
    expect(a.isOpen).toBe(false);
  });
});

describe("RequestChannel: close()", () => {
  it("fails the pending and queued requests, closes the port and refuses new work", async () => {
    const { channel, a, states } = await setup(() => undefined);
    const pending = channel.query("1TP").catch((e: unknown) => e);
    const queued = channel.query("1VA?").catch((e: unknown) => e);
    await Promise.resolve();
    await channel.close();
    const [first, second] = await Promise.all([pending, queued]);
    expect(first).toBeInstanceOf(TransportClosedError);
    expect((first as Error).message).toBe('memory:a: closed during "1TP"');
    expect(second).toMatchObject({ code: "HIL_TRANSPORT_CLOSED" });
    expect((second as Error).message).toBe("memory:a: the channel is closed");
    expect(a.isOpen).toBe(false);
    expect(channel.state).toBe("closed");
    expect(states).toEqual(["closed"]);
    await expect(channel.query("1TP")).rejects.toThrow("memory:a: the channel is closed");
    await expect(channel.open()).rejects.toBeInstanceOf(TransportClosedError);
    await channel.close(); // twice is fine
  });

  it("stays closed when a listener closes it as the port drops", async () => {
    const { channel, a, clock } = await setup(echo);
    channel.onStateChange((state) => {
      if (state === "reconnecting") void channel.close();
    });
    a.drop();
    await clock.sleep(10); // the backoff would have reopened the port by now
    expect(a.isOpen).toBe(false);
    expect(channel.state).toBe("closed");
  });

  it("fails a request waiting for a reconnecting port", async () => {
    const { channel, a } = await setup(echo);
    a.vanish();
    const waiting = channel.query("1TP", { timeout: 5 });
    await Promise.resolve();
    await channel.close();
    await expect(waiting).rejects.toThrow('memory:a: closed during "1TP"');
  });
});
