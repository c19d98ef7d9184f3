import { describe, expect, it } from "vitest";
import {
  TransportClosedError,
  TransportDroppedError,
  TransportOpenError,
  memoryPair,
} from "../../src/transports/index.js";

const text = (chunk: Uint8Array): string => Buffer.from(chunk).toString("latin1");

describe("memoryPair", () => {
  it("carries bytes each way, later, in order, as copies", async () => {
    const [a, b] = memoryPair("driver", "emulator");
    expect([a.name, b.name]).toEqual(["memory:driver", "memory:emulator"]);
    await Promise.all([a.open(), b.open()]);
    const atB: string[] = [];
    const atA: string[] = [];
    b.onData((chunk) => atB.push(text(chunk)));
    a.onData((chunk) => atA.push(text(chunk)));
    const buffer = Buffer.from("1TP\r\n");
    const written = a.write(buffer);
    buffer.fill(0);
    expect(atB).toEqual([]); // not within write(): a real port delivers later too
    await written;
    await b.write(Buffer.from("1TP5\r\n"));
    await Promise.resolve();
    expect(atB).toEqual(["1TP\r\n"]);
    expect(atA).toEqual(["1TP5\r\n"]);
  });

  it("loses bytes written to a closed peer and refuses writes on a closed end", async () => {
    const [a, b] = memoryPair();
    await a.open();
    const seen: Uint8Array[] = [];
    b.onData((chunk) => seen.push(chunk));
    await a.write(Uint8Array.of(1));
    await b.open();
    await Promise.resolve();
    expect(seen).toEqual([]);
    await a.close();
    await expect(a.write(Uint8Array.of(2))).rejects.toBeInstanceOf(TransportClosedError);
  });

  it("reports close without an error and drop() with one", async () => {
    const [a] = memoryPair();
    const closes: Array<Error | undefined> = [];
    a.onClose((error) => closes.push(error));
    await a.open();
    await a.close();
    await a.open();
    a.drop();
    await a.open();
    a.drop(new Error("cable pulled"));
    expect(closes[0]).toBeUndefined();
    expect(closes[1]).toBeInstanceOf(TransportDroppedError);
    expect(closes[1]?.message).toBe("memory:a: dropped: simulated drop");
    expect(closes[2]?.message).toBe("cable pulled");
    expect(a.isOpen).toBe(false);
  });

  it("vanish() drops the end and refuses open() until restore()", async () => {
    const [a] = memoryPair();
    const closes: Array<Error | undefined> = [];
    a.onClose((error) => closes.push(error));
    await a.open();
    a.vanish(new Error("unplugged"));
    expect(closes[0]?.message).toBe("memory:a: dropped: unplugged");
    const failure = a.open();
    await expect(failure).rejects.toBeInstanceOf(TransportOpenError);
    await expect(failure).rejects.toThrow("memory:a: cannot open: unplugged");
    a.restore();
    await a.open();
    expect(a.isOpen).toBe(true);
  });
});
