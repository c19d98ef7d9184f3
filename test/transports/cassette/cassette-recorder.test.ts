import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  CassetteRecorder,
  CassetteWriter,
  RequestChannel,
  loadCassette,
  memoryPair,
} from "../../../src/transports/index.js";

const bytes = (text: string): Uint8Array => Buffer.from(text, "latin1");

function cassettePath(): string {
  return join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "sub", "c.jsonl");
}

/** The file's lines as JSON, as they are on disk now. */
function linesOf(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("CassetteRecorder", () => {
  it("passes bytes through both ways and writes each chunk as it goes, timed on the clock", async () => {
    const clock = new VirtualClock({ start: 100, auto: false });
    const path = cassettePath();
    const writer = new CassetteWriter(path, {
      kind: "bytes",
      recorded: "a test",
      clock,
      meta: { device: "m1" },
    });
    const [host, device] = memoryPair("host", "device");
    const recorder = new CassetteRecorder(host, writer);
    expect(recorder.name).toBe("memory:host");
    await Promise.all([recorder.open(), device.open()]);
    expect(recorder.isOpen).toBe(true);
    const atDevice: string[] = [];
    const atHost: string[] = [];
    device.onData((chunk) => atDevice.push(Buffer.from(chunk).toString("latin1")));
    recorder.onData((chunk) => atHost.push(Buffer.from(chunk).toString("latin1")));

    await recorder.write(bytes("1TS\r\n"));
    await clock.advance(0.25);
    await device.write(bytes("1TS00\xff"));
    await device.write(bytes("0033\r\n"));
    await Promise.resolve();
    expect(atDevice).toEqual(["1TS\r\n"]);
    expect(atHost).toEqual(["1TS00\xff", "0033\r\n"]);

    // On disk already, before anything is closed: a crash loses nothing.
    expect(linesOf(path)).toEqual([
      {
        cassette: "hil",
        version: 1,
        kind: "bytes",
        recorded: "a test",
        start: 100,
        meta: { device: "m1" },
      },
      { t: 0, dir: "out", channel: "memory:host", hex: "3154530d0a", text: "1TS\r\n" },
      { t: 0.25, dir: "in", channel: "memory:host", hex: "3154533030ff", text: "1TS00\xff" },
      { t: 0.25, dir: "in", channel: "memory:host", hex: "303033330d0a", text: "0033\r\n" },
    ]);
    expect(writer.events).toBe(3);
    writer.close();
    expect((await loadCassette(path)).events).toHaveLength(3);
  });

  it("records what no request waited for, and forwards closing", async () => {
    const path = cassettePath();
    const writer = new CassetteWriter(path, { kind: "bytes", recorded: "a test" });
    const [host, device] = memoryPair();
    const recorder = new CassetteRecorder(host, writer, { channel: "serial:/dev/ttyS0" });
    await Promise.all([recorder.open(), device.open()]);
    const closes: Array<Error | undefined> = [];
    recorder.onClose((error) => closes.push(error));
    await device.write(bytes("\0"));
    await Promise.resolve();
    host.drop(new Error("unplugged"));
    expect(closes.map((e) => e?.message)).toEqual(["unplugged"]);
    expect(linesOf(path).slice(1)).toEqual([
      expect.objectContaining({ dir: "in", channel: "serial:/dev/ttyS0", hex: "00" }),
    ]);
    await recorder.open();
    await recorder.close();
    expect(recorder.isOpen).toBe(false);
    writer.close();
    // After the writer is closed, what still arrives is dropped, not an error.
    await device.write(bytes("late"));
    expect(linesOf(path)).toHaveLength(2);
  });

  it("records a request/response helper's traffic, one line per chunk", async () => {
    const path = cassettePath();
    const writer = new CassetteWriter(path, { kind: "bytes", recorded: "a test" });
    const [host, device] = memoryPair();
    await device.open();
    device.onData(() => void device.write(bytes("ok\r\n")));
    const channel = new RequestChannel(new CassetteRecorder(host, writer));
    await channel.open();
    expect(await channel.query("ping")).toBe("ok");
    await channel.close();
    writer.close();
    expect(linesOf(path).map((l) => [l.dir, l.text])).toEqual([
      [undefined, undefined],
      ["out", "ping\r\n"],
      ["in", "ok\r\n"],
    ]);
  });

  it("needs a bytes cassette", () => {
    const writer = new CassetteWriter(cassettePath(), { kind: "modbus", recorded: "a test" });
    expect(() => new CassetteRecorder(memoryPair()[0], writer)).toThrow(
      'a byte recorder needs a "bytes" cassette',
    );
    writer.close();
  });
});
