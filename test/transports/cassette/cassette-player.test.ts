import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import type { ByteCassette } from "../../../src/transports/index.js";
import {
  CassetteEndError,
  CassetteIncompleteError,
  CassetteMismatchError,
  CassettePlayer,
  RequestChannel,
  TransportClosedError,
  TransportWriteError,
  parseCassette,
} from "../../../src/transports/index.js";

const bytes = (text: string): Uint8Array => Buffer.from(text, "latin1");
const text = (chunk: Uint8Array): string => Buffer.from(chunk).toString("latin1");

type Event = [t: number, dir: "out" | "in", text: string];

/** A cassette of these events on channel "memory:a"; the header is line 1, events from 2. */
function cassette(events: Event[], file = "c.jsonl"): ByteCassette {
  const header = '{"cassette":"hil","version":1,"kind":"bytes","recorded":"a test","start":0}';
  const lines = events.map(([t, dir, body]) =>
    JSON.stringify({ t, dir, channel: "memory:a", hex: toHex(body), text: body }),
  );
  return parseCassette([header, ...lines].join("\n"), file) as ByteCassette;
}

function toHex(body: string): string {
  return Buffer.from(body, "latin1").toString("hex");
}

/** An open player and everything it plays back, as text. */
async function play(player: CassettePlayer): Promise<string[]> {
  const received: string[] = [];
  player.onData((chunk) => received.push(text(chunk)));
  await player.open();
  return received;
}

/** The error `request` fails with. */
async function refusal(request: Promise<unknown>): Promise<Error> {
  return request.then(
    () => {
      throw new Error("it was accepted");
    },
    (error: unknown) => error as Error,
  );
}

const session: Event[] = [
  [0, "out", "1TS\r\n"],
  [0.1, "in", "1TS000033\r\n"],
  [0.2, "out", "1PA5\r\n"],
  [0.21, "out", "1TE\r\n"],
  [0.22, "in", "1TE@\r\n"],
  [0.3, "out", "1TP\r\n"],
  [0.35, "in", "1TP"],
  [0.4, "in", "5\r\n"],
];

describe("CassettePlayer", () => {
  it("answers a request/response helper with the recorded replies", async () => {
    const player = new CassettePlayer(cassette(session));
    expect(player.name).toBe("cassette:c.jsonl");
    const channel = new RequestChannel(player);
    await channel.open();
    expect(await channel.query("1TS")).toBe("1TS000033");
    await channel.write("1PA5");
    expect(await channel.query("1TE")).toBe("1TE@");
    expect(await channel.query("1TP")).toBe("1TP5");
    expect(player.done).toBe(true);
    player.assertComplete();
    await channel.close();
    expect(player.isOpen).toBe(false);
  });

  it("matches however the requests were split into writes, here or when recorded", async () => {
    const recorded = cassette([
      [0, "out", "1T"],
      [0, "out", "S\r\n1PA"],
      [0, "out", "5\r\n"],
      [0.1, "in", "ok\r\n"],
    ]);
    const player = new CassettePlayer(recorded);
    const received = await play(player);
    await player.write(bytes("1TS\r\n"));
    await player.write(bytes("1P"));
    await player.write(bytes("A5\r"));
    await Promise.resolve();
    expect(received).toEqual([]); // the reply follows the whole request
    await player.write(bytes("\n"));
    await Promise.resolve();
    expect(received).toEqual(["ok\r\n"]);
    expect(player.done).toBe(true);
  });

  it("refuses a different request, naming the cassette line and both as text and hex", async () => {
    const player = new CassettePlayer(cassette(session, "dir/move.jsonl"));
    const received = await play(player);
    await player.write(bytes("1TS\r\n"));
    await player.write(bytes("1P"));
    // The line is compared whole: the write that completes it is refused, naming all of it.
    await player.write(bytes("A"));
    const error = await refusal(player.write(bytes("6\r\n")));
    expect(error).toBeInstanceOf(CassetteMismatchError);
    expect(error).toMatchObject({
      code: "HIL_CASSETTE_MISMATCH",
      file: "dir/move.jsonl",
      line: 4,
      expected: { text: '"1PA5\\r\\n"', hex: "31 50 41 35 0d 0a" },
      actual: { text: '"1PA6\\r\\n"', hex: "31 50 41 36 0d 0a" },
    });
    expect(error.message).toBe(
      "dir/move.jsonl:4: the request differs from the cassette: " +
        'expected "1PA5\\r\\n" [31 50 41 35 0d 0a], got "1PA6\\r\\n" [31 50 41 36 0d 0a]',
    );
    expect(player.failure).toBe(error);
    expect(() => player.assertComplete()).toThrow(error);
    // It stays at that request: the right one (a retry) goes on.
    await player.write(bytes("1PA5\r\n1TE\r\n"));
    await Promise.resolve();
    expect(received).toEqual(["1TS000033\r\n", "1TE@\r\n"]);
  });

  it("fails a helper's request with the mismatch as the cause", async () => {
    const player = new CassettePlayer(cassette(session));
    const channel = new RequestChannel(player, { timeout: 0.05 });
    await channel.open();
    const error = await refusal(channel.query("1TP"));
    expect(error).toBeInstanceOf(TransportWriteError);
    expect(error.cause).toBeInstanceOf(CassetteMismatchError);
    expect(error.message).toBe(
      'cassette:c.jsonl: cannot write "1TP": c.jsonl:2: the request differs from the cassette: ' +
        'expected "1TS\\r\\n" [31 54 53 0d 0a], got "1TP\\r\\n" [31 54 50 0d 0a]',
    );
    await channel.close();
  });

  it("says so, naming the cassette, when the driver goes on past its end", async () => {
    const player = new CassettePlayer(cassette(session.slice(0, 2), "short.jsonl"));
    await play(player);
    await player.write(bytes("1TS\r\n"));
    const error = await refusal(player.write(bytes("1TS\r\n")));
    expect(error).toBeInstanceOf(CassetteEndError);
    expect(error.message).toBe(
      'short.jsonl: ran past the end of the cassette (last line 3): got "1TS\\r\\n" [31 54 53 0d 0a]',
    );
    expect((error as CassetteEndError).code).toBe("HIL_CASSETTE_END");
  });

  it("tells what was never asked for", async () => {
    const player = new CassettePlayer(cassette(session));
    await play(player);
    await player.write(bytes("1TS\r\n"));
    expect(player.remaining).toBe(3);
    expect(() => player.assertComplete()).toThrow(CassetteIncompleteError);
    expect(() => player.assertComplete()).toThrow(
      'c.jsonl:4: 3 requests were not replayed, from "1PA5\\r\\n" [31 50 41 35 0d 0a]',
    );
  });

  it("skips ahead to the next matching request when not strict", async () => {
    const player = new CassettePlayer(cassette(session), { strict: false });
    const received = await play(player);
    await player.write(bytes("1TP\r\n")); // the 1TS, 1PA5 and 1TE recorded first are skipped
    await Promise.resolve();
    expect(received).toEqual(["1TP5\r\n"]);
    expect(player.skipped).toBe(3);
    expect(player.done).toBe(true);
    const error = await refusal(player.write(bytes("1TS\r\n")));
    expect(error).toBeInstanceOf(CassetteEndError);

    const again = new CassettePlayer(cassette(session), { strict: false });
    await play(again);
    const missing = await refusal(again.write(bytes("1OR\r\n")));
    expect(missing).toBeInstanceOf(CassetteMismatchError);
    expect(missing.message).toBe(
      "c.jsonl:2: the request is not in the rest of the cassette, which expected next: " +
        'expected "1TS\\r\\n" [31 54 53 0d 0a], got "1OR\\r\\n" [31 4f 52 0d 0a]',
    );
  });

  it("plays replies after their recorded gaps, scaled, on a clock", async () => {
    const clock = new VirtualClock({ auto: false });
    const player = new CassettePlayer(cassette(session), { timing: { clock, scale: 2 } });
    const received = await play(player);
    await player.write(bytes("1TS\r\n"));
    await clock.advance(0.19);
    expect(received).toEqual([]);
    await clock.advance(0.02); // 0.1 s recorded, twice as long
    expect(received).toEqual(["1TS000033\r\n"]);
    await player.write(bytes("1PA5\r\n1TE\r\n"));
    await clock.advance(0.019);
    expect(received).toHaveLength(1);
    await clock.advance(0.002); // 0.01 s after the 1TE
    expect(received).toEqual(["1TS000033\r\n", "1TE@\r\n"]);
    await player.write(bytes("1TP\r\n"));
    await clock.advance(0.11); // 0.05 and 0.1 s after the 1TP, chunk by chunk as recorded
    expect(received).toEqual(["1TS000033\r\n", "1TE@\r\n", "1TP"]);
    await clock.advance(0.1);
    expect(received.at(-1)).toBe("5\r\n");
  });

  it("plays what came before the first request when it opens, and drops replies once closed", async () => {
    const player = new CassettePlayer(
      cassette([
        [0, "in", "\x1b?\x7f\r\n"],
        [1, "out", "1TS\r\n"],
        [1.1, "in", "1TS000033\r\n"],
      ]),
    );
    const closed: boolean[] = [];
    player.onClose(() => closed.push(true));
    const received = await play(player);
    await Promise.resolve();
    expect(received).toEqual(["\x1b?\x7f\r\n"]);
    const written = player.write(bytes("1TS\r\n"));
    await player.close(); // before the reply, queued by the write, is delivered
    await written;
    await Promise.resolve();
    expect(received).toHaveLength(1);
    expect(closed).toEqual([true]);
    const error = await refusal(player.write(bytes("1TS\r\n")));
    expect(error).toBeInstanceOf(TransportClosedError);
    expect(error.message).toBe("cassette:c.jsonl: cannot write: the port is not open");
  });

  it("compares runs of bytes between replies when there are no lines (binary protocols)", async () => {
    const recorded = cassette([
      [0, "out", "\x01\x03\x00"],
      [0, "out", "\x02\x00\x01"],
      [0.1, "in", "\x01\x03\x02\x00\x2a"],
    ]);
    const player = new CassettePlayer(recorded, { lineEnd: null });
    const received = await play(player);
    await player.write(bytes("\x01\x03"));
    await player.write(bytes("\x00\x02\x00\x01"));
    await Promise.resolve();
    expect(received).toEqual(["\x01\x03\x02\x00\x2a"]);

    const wrong = new CassettePlayer(recorded, { lineEnd: null });
    await play(wrong);
    const error = await refusal(wrong.write(bytes("\x01\x04")));
    expect((error as CassetteMismatchError).expected.hex).toBe("01 03 00 02 00 01");
    expect((error as CassetteMismatchError).actual.hex).toBe("01 04");
  });
});
