import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import type { ModbusClientLike } from "../../../src/transports/index.js";
import {
  CassetteEndError,
  CassetteFormatError,
  CassetteIncompleteError,
  CassetteMismatchError,
  CassetteWriter,
  ModbusCassettePlayer,
  ModbusClient,
  ModbusExceptionError,
  ReplayedError,
  ReplyTimeoutError,
  TransportClosedError,
  parseCassette,
  recordModbus,
} from "../../../src/transports/index.js";

// ModbusClient itself is a ModbusClientLike: drivers typed on it take the real client.
const _typeCheck: (client: ModbusClient) => ModbusClientLike = (client) => client;
void _typeCheck;

/** A Modbus server in memory: 16 words, 16 bits; address 99 refused, 98 silent. */
class FakeModbus implements ModbusClientLike {
  readonly unitId = 7;
  readonly port = "modbus-tcp:fake:502";
  readonly url = "modbus://fake:502";
  readonly words = Array.from({ length: 16 }, (_, i) => i * 10);
  readonly bits = Array.from({ length: 16 }, (_, i) => i % 3 === 0);
  private check(fn: number, address: number, count = 1): void {
    const unitId = this.unitId;
    if (address === 99)
      throw new ModbusExceptionError(this.port, { functionCode: fn, address, count, unitId }, 2);
    if (address === 98) throw new ReplyTimeoutError(this.port, "read", 1, "");
  }
  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  async readHoldingRegisters(address: number, count = 1): Promise<number[]> {
    this.check(3, address, count);
    return this.words.slice(address, address + count);
  }
  async readInputRegisters(address: number, count = 1): Promise<number[]> {
    this.check(4, address, count);
    return this.words.slice(address, address + count).map((w) => w + 1);
  }
  async readCoils(address: number, count = 1): Promise<boolean[]> {
    this.check(1, address, count);
    return this.bits.slice(address, address + count);
  }
  async readDiscreteInputs(address: number, count = 1): Promise<boolean[]> {
    this.check(2, address, count);
    return this.bits.slice(address, address + count).map((b) => !b);
  }
  async writeRegister(address: number, value: number): Promise<void> {
    this.check(6, address);
    this.words[address] = value;
  }
  async writeRegisters(address: number, values: readonly number[]): Promise<void> {
    this.check(16, address, values.length);
    this.words.splice(address, values.length, ...values);
  }
  async writeCoil(address: number, value: boolean): Promise<void> {
    this.check(5, address);
    this.bits[address] = value;
  }
  async writeCoils(address: number, values: readonly boolean[]): Promise<void> {
    this.check(15, address, values.length);
    this.bits.splice(address, values.length, ...values);
  }
}

const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error("it did not fail");
    },
    (error: unknown) => error as Error,
  );

/** Every kind of transaction against `client`, with what each gave. */
async function session(client: ModbusClientLike): Promise<unknown[]> {
  return [
    await client.readHoldingRegisters(2, 3),
    await client.readInputRegisters(1),
    await client.readCoils(0, 4),
    await client.readDiscreteInputs(3, 2),
    await client.writeRegister(0, 500),
    await client.writeRegisters(4, [1, 2]),
    await client.writeCoil(1, true),
    await client.writeCoils(8, [true, false, true]),
    await client.readHoldingRegisters(0, 6),
    (await failure(client.readHoldingRegisters(99))).message,
    (await failure(client.readHoldingRegisters(98))).name,
  ];
}

async function recorded(): Promise<{ path: string; results: unknown[] }> {
  const path = join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "m.jsonl");
  const clock = new VirtualClock({ auto: false });
  const writer = new CassetteWriter(path, { kind: "modbus", recorded: "a test", clock });
  const results = await session(recordModbus(new FakeModbus(), writer));
  writer.close();
  return { path, results };
}

describe("recordModbus", () => {
  it("passes every transaction through and writes request and response as lines", async () => {
    const { path, results } = await recorded();
    expect(results).toEqual([
      [20, 30, 40],
      [11],
      [true, false, false, true],
      [false, true],
      undefined,
      undefined,
      undefined,
      undefined,
      [500, 10, 20, 30, 1, 2],
      "modbus-tcp:fake:502: read holding registers (FC03) unit 7 at 0x0063 (99) failed: exception 2 ILLEGAL DATA ADDRESS",
      "ReplyTimeoutError",
    ]);
    const lines = readFileSync(path, "utf8").trim().split("\n").slice(1);
    expect(lines.slice(0, 2).map((l) => JSON.parse(l) as unknown)).toEqual([
      { t: 0, dir: "out", channel: "modbus-tcp:fake:502", fn: 3, unit: 7, address: 2, count: 3 },
      {
        t: 0,
        dir: "in",
        channel: "modbus-tcp:fake:502",
        fn: 3,
        unit: 7,
        address: 2,
        values: [20, 30, 40],
      },
    ]);
    expect(JSON.parse(lines[14]!)).toMatchObject({
      dir: "out",
      fn: 15,
      count: 3,
      values: [true, false, true],
    });
    expect(JSON.parse(lines[19]!)).toMatchObject({
      dir: "in",
      error: { code: 2, name: "ILLEGAL DATA ADDRESS" },
    });
    expect(JSON.parse(lines[21]!)).toMatchObject({
      dir: "in",
      error: { code: "HIL_REPLY_TIMEOUT", name: "ReplyTimeoutError" },
    });
    expect(lines).toHaveLength(22);
  });

  it("writes each response after its request when requests overlap", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "m.jsonl");
    const writer = new CassetteWriter(path, { kind: "modbus", recorded: "a test" });
    const client = recordModbus(new FakeModbus(), writer);
    expect([client.unitId, client.port, client.url]).toEqual([
      7,
      "modbus-tcp:fake:502",
      "modbus://fake:502",
    ]);
    await Promise.all([
      client.readHoldingRegisters(1),
      client.readHoldingRegisters(2),
      client.writeRegister(3, 9),
    ]);
    writer.close();
    const dirs = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => {
        const { dir, address } = JSON.parse(l) as { dir: string; address: number };
        return `${dir} ${address}`;
      });
    expect(dirs).toEqual(["out 1", "in 1", "out 2", "in 2", "out 3", "in 3"]);
  });

  it("records nothing for a request the client refuses before sending it", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "hil-cassette-")), "m.jsonl");
    const writer = new CassetteWriter(path, { kind: "modbus", recorded: "a test" });
    const real = new ModbusClient({ host: "127.0.0.1", port: 1, connectTimeout: 0.1 });
    const client = recordModbus(real, writer);
    await expect(client.readHoldingRegisters(70000)).rejects.toThrow(RangeError);
    await expect(client.writeRegister(1, 1.5)).rejects.toThrow(RangeError);
    expect(writer.events).toBe(0);
    writer.close();
    await real.close();
  });
});

describe("ModbusCassettePlayer", () => {
  it("gives back what was recorded, errors included, with no server", async () => {
    const { path, results } = await recorded();
    const player = await ModbusCassettePlayer.load(path);
    expect([player.unitId, player.port, player.url]).toEqual([
      7,
      "cassette:m.jsonl",
      "cassette://m.jsonl",
    ]);
    await player.connect();
    const replayed = await session(player);
    expect(replayed.slice(0, 9)).toEqual(results.slice(0, 9));
    expect(replayed[9]).toBe(
      "cassette:m.jsonl: read holding registers (FC03) unit 7 at 0x0063 (99) failed: exception 2 ILLEGAL DATA ADDRESS",
    );
    expect(replayed[10]).toBe("ReplayedError");
    player.assertComplete();
    expect(player.done).toBe(true);
  });

  it("throws a Modbus exception as a ModbusExceptionError, another error with its code", async () => {
    const { path } = await recorded();
    const player = await ModbusCassettePlayer.load(path, { strict: false });
    const refused = await failure(player.readHoldingRegisters(99));
    expect(refused).toBeInstanceOf(ModbusExceptionError);
    expect(refused).toMatchObject({ exceptionCode: 2, unitId: 7, address: 99, functionCode: 3 });
    const timeout = await failure(player.readHoldingRegisters(98));
    expect(timeout).toBeInstanceOf(ReplayedError);
    expect(timeout).toMatchObject({ code: "HIL_REPLY_TIMEOUT", recordedName: "ReplyTimeoutError" });
    expect(timeout.message).toBe(
      `modbus-tcp:fake:502: no reply to "read" within 1 s (nothing received) (replayed from ${path}:23)`,
    );
    expect(player.skipped).toBe(9);
  });

  it("refuses a different request, naming the line, the requests and their frames", async () => {
    const { path } = await recorded();
    const player = await ModbusCassettePlayer.load(path);
    await player.readHoldingRegisters(2, 3);
    const error = await failure(player.readInputRegisters(2));
    expect(error).toBeInstanceOf(CassetteMismatchError);
    expect(error.message).toBe(
      `${path}:4: the request differs from the cassette: ` +
        "expected read input registers (FC04) unit 7 at 0x0001 (1) [07 04 00 01 00 01], " +
        "got read input registers (FC04) unit 7 at 0x0002 (2) [07 04 00 02 00 01]",
    );
    expect(player.failure).toBe(error);
    // Written values count: FC15 frames pack the bits.
    const values = await ModbusCassettePlayer.load(path);
    await values.readHoldingRegisters(2, 3);
    await values.readInputRegisters(1);
    await values.readCoils(0, 4);
    await values.readDiscreteInputs(3, 2);
    await values.writeRegister(0, 500);
    await values.writeRegisters(4, [1, 2]);
    await values.writeCoil(1, true);
    const bits = await failure(values.writeCoils(8, [true, true, true]));
    expect((bits as CassetteMismatchError).expected).toEqual({
      text: "write multiple coils (FC15) unit 7 at 0x0008 (8) ×3 of [true, false, true]",
      hex: "07 0f 00 08 00 03 01 05",
    });
    expect((bits as CassetteMismatchError).actual.hex).toBe("07 0f 00 08 00 03 01 07");
  });

  it("says when the driver goes past the end, and what it never asked", async () => {
    const { path } = await recorded();
    const player = await ModbusCassettePlayer.load(path);
    expect(() => player.assertComplete()).toThrow(CassetteIncompleteError);
    expect(() => player.assertComplete()).toThrow(
      `${path}:2: 11 requests were not replayed, from read holding registers (FC03) unit 7 at 0x0002 (2) ×3`,
    );
    await session(player);
    const error = await failure(player.readHoldingRegisters(0));
    expect(error).toBeInstanceOf(CassetteEndError);
    expect(error.message).toBe(
      `${path}: ran past the end of the cassette (last line 23): ` +
        "got read holding registers (FC03) unit 7 at 0x0000 (0) [07 03 00 00 00 01]",
    );
  });

  it("waits the recorded time, scaled, on a clock; refuses requests once closed", async () => {
    const header = '{"cassette":"hil","version":1,"kind":"modbus","recorded":"a test","start":0}';
    const text = [
      header,
      '{"t":1,"dir":"out","channel":"m","fn":3,"unit":1,"address":0,"count":1}',
      '{"t":1.5,"dir":"in","channel":"m","fn":3,"unit":1,"address":0,"values":[42]}',
      '{"t":2,"dir":"out","channel":"m","fn":3,"unit":1,"address":0,"count":1}',
    ].join("\n");
    const clock = new VirtualClock({ auto: false });
    const player = new ModbusCassettePlayer(parseCassette(text, "t.jsonl"), {
      timing: { clock, scale: 0.5 },
    });
    let value: number[] | undefined;
    void player.readHoldingRegisters(0).then((v) => (value = v));
    await clock.advance(0.24);
    expect(value).toBeUndefined();
    await clock.advance(0.02);
    expect(value).toEqual([42]);
    // The recording stopped before the last response: that request is past the end.
    await expect(player.readHoldingRegisters(0)).rejects.toThrow(CassetteEndError);
    await player.close();
    const closed = await failure(player.readHoldingRegisters(0));
    expect(closed).toBeInstanceOf(TransportClosedError);
    expect(closed.message).toBe(
      "cassette:t.jsonl: the client is closed; read holding registers (FC03) unit 1 at 0x0000 (0) was not sent",
    );
    await expect(player.connect()).rejects.toThrow(TransportClosedError);
  });

  it("refuses a cassette whose responses do not follow their requests", () => {
    const header = '{"cassette":"hil","version":1,"kind":"modbus","recorded":"a test","start":0}';
    const request = '{"t":0,"dir":"out","channel":"m","fn":3,"unit":1,"address":0,"count":2}';
    const other = '{"t":0,"dir":"in","channel":"m","fn":3,"unit":1,"address":1,"values":[1,2]}';
    const short = '{"t":0,"dir":"in","channel":"m","fn":3,"unit":1,"address":0,"values":[1]}';
    const load =
      (...lines: string[]) =>
      () =>
        new ModbusCassettePlayer(parseCassette([header, ...lines].join("\n"), "x.jsonl"));
    expect(load(other)).toThrow("x.jsonl:2: a response with no request before it");
    expect(load(request, other)).toThrow(CassetteFormatError);
    expect(load(request, other)).toThrow(
      "x.jsonl:3: expected the response to line 2 (read holding registers (FC03) unit 1 at 0x0000 (0) ×2)",
    );
    expect(load(request, short)).toThrow("x.jsonl:3: a read of 2 needs 2 values (or an error)");
  });
});
