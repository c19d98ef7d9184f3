import { describe, expect, it } from "vitest";
import { LineFramer, LineTooLongError } from "../../src/transports/index.js";

const bytes = (...values: Array<number | string>): Uint8Array =>
  Uint8Array.from(
    values.flatMap((v) => (typeof v === "number" ? [v] : [...v].map((c) => c.charCodeAt(0)))),
  );

/** Feeds `input` cut at every listed offset and returns all the lines. */
function frame(framer: LineFramer, input: Uint8Array, cuts: readonly number[]): string[] {
  const lines: string[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    lines.push(...framer.push(input.subarray(from, cut)));
    from = cut;
  }
  return lines;
}

/** Every way of cutting `input` into two or three chunks. */
function* cutPoints(length: number): Generator<number[]> {
  for (let i = 0; i <= length; i++) {
    yield [i];
    for (let j = i; j <= length; j++) yield [i, j];
  }
}

describe("LineFramer", () => {
  it.each([
    ["\r\n", bytes("1TP5.0\r\n1TS000033\r\n"), ["1TP5.0", "1TS000033"]],
    ["\n", bytes("a\nb\n\nc"), ["a", "b", ""]],
    ["\r", bytes("OK\rERR 3\r"), ["OK", "ERR 3"]],
    [bytes(0x03), bytes("x", 0x03, "y", 0x03), ["x", "y"]],
    [bytes("\r\r\n"), bytes("a\r\r\r\nb\r\r\n"), ["a\r", "b"]],
    [bytes("abab"), bytes("xabababy", "abab"), ["x", "aby"]],
  ] as const)("splits at %j", (terminator, input, lines) => {
    const framer = new LineFramer({ terminator });
    expect(framer.push(input)).toEqual(lines);
    for (const cuts of cutPoints(input.length)) {
      expect(frame(new LineFramer({ terminator }), input, cuts), `cut at ${cuts}`).toEqual(lines);
    }
  });

  it("joins a line fed one byte at a time, the terminator split between chunks", () => {
    const framer = new LineFramer({ terminator: "\r\n" });
    const input = bytes("1TP-12.5\r\n");
    const out = [...input].flatMap((b) => framer.push(Uint8Array.of(b)));
    expect(out).toEqual(["1TP-12.5"]);
    expect(framer.buffered).toBe(0);
  });

  it("keeps a trailing \\r that may start a terminator, and shows it in partial()", () => {
    const framer = new LineFramer();
    expect(framer.push(bytes("1T"))).toEqual([]);
    expect(framer.push(bytes("P\r"))).toEqual([]);
    expect(framer.partial()).toBe("1TP\r");
    expect(framer.push(bytes("\n"))).toEqual(["1TP"]);
  });

  it("treats a lone \\r inside a \\r\\n-terminated line as data", () => {
    const framer = new LineFramer();
    expect(framer.push(bytes("a\rb\r"))).toEqual([]);
    expect(framer.push(bytes("\r\n"))).toEqual(["a\rb\r"]);
  });

  it("decodes latin1 by default, one character per byte", () => {
    const framer = new LineFramer({ terminator: "\n" });
    expect(framer.push(bytes(0xb5, 0xe9, 0xff, "\n"))).toEqual(["\u00b5\u00e9\u00ff"]);
    const utf8 = new LineFramer({ terminator: "\n", encoding: "utf8" });
    expect(utf8.push(bytes(0xc2))).toEqual([]);
    expect(utf8.push(bytes(0xb5, "m\n"))).toEqual(["\u00b5m"]);
  });

  it.each([
    ["Uint8Array", bytes("abc")],
    ["Buffer", Buffer.from("abc")],
  ])("does not hold on to the caller's %s", (_kind, chunk) => {
    const framer = new LineFramer({ terminator: "\n" });
    framer.push(chunk);
    chunk.fill(0x7a);
    expect(framer.push(bytes("\n"))).toEqual(["abc"]);
  });

  it("reset() drops the partial line and says how much", () => {
    const framer = new LineFramer();
    framer.push(bytes("stale\r"));
    expect(framer.reset()).toBe(6);
    expect(framer.push(bytes("\nfresh\r\n"))).toEqual(["\nfresh"]); // the "\n" alone is data now
  });

  it("throws LineTooLongError past maxLength, then skips to the next terminator", () => {
    const framer = new LineFramer({ terminator: "\n", maxLength: 4 });
    expect(framer.push(bytes("abcd\n"))).toEqual(["abcd"]);
    expect(framer.push(bytes("ab"))).toEqual([]);
    const error = catchError(() => framer.push(bytes("cde")));
    expect(error).toBeInstanceOf(LineTooLongError);
    expect(error).toMatchObject({ code: "HIL_LINE_TOO_LONG", maxLength: 4 });
    expect(error.message).toBe("input: a line exceeds 4 bytes without a terminator");
    // The rest of the long line is dropped, not framed as a line of its own.
    expect(framer.push(bytes("fgh\nok\n"))).toEqual(["ok"]);
  });

  it("reports whole lines of the chunk that held an over-long one", () => {
    const framer = new LineFramer({ terminator: "\n", maxLength: 3, name: "serial:/dev/x" });
    const error = catchError(() => framer.push(bytes("a\ntoolong\nb\n")));
    expect(error).toBeInstanceOf(LineTooLongError);
    expect((error as LineTooLongError).lines).toEqual(["a", "b"]);
    expect(error.message).toMatch(/^serial:\/dev\/x: /);
    expect(framer.push(bytes("c\n"))).toEqual(["c"]);
  });

  it("bounds memory on a stream with no terminator at all", () => {
    const framer = new LineFramer({ terminator: "\n", maxLength: 1000 });
    const noise = new Uint8Array(600).fill(0x41);
    framer.push(noise);
    expect(() => framer.push(noise)).toThrow(LineTooLongError);
    for (let i = 0; i < 10; i++) framer.push(noise);
    expect(framer.buffered).toBe(0);
  });

  it("rejects an empty terminator and a bad maxLength", () => {
    expect(() => new LineFramer({ terminator: "" })).toThrow(/terminator must not be empty/);
    expect(() => new LineFramer({ maxLength: 0 })).toThrow(/maxLength/);
  });
});

function catchError(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
