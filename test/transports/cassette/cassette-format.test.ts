import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CassetteFormatError,
  CassettePlayer,
  ModbusCassettePlayer,
  loadCassette,
  parseCassette,
} from "../../../src/transports/index.js";

const header = (kind = "bytes", extra = ""): string =>
  `{"cassette":"hil","version":1,"kind":"${kind}","recorded":"a test","start":0${extra}}`;
const out = '{"t":0,"dir":"out","channel":"memory:a","hex":"3154530d0a","text":"1TS\\r\\n"}';
const reply = '{"t":0.5,"dir":"in","channel":"memory:a","hex":"31545330","text":"1TS0"}';

/** The error parseCassette throws for `text`. */
function problem(text: string): CassetteFormatError {
  try {
    parseCassette(text, "c.jsonl");
  } catch (error) {
    expect(error).toBeInstanceOf(CassetteFormatError);
    return error as CassetteFormatError;
  }
  throw new Error("parsed without a problem");
}

describe("parseCassette", () => {
  it("reads the header and each event with its line, skipping blank lines", () => {
    const cassette = parseCassette(`${header()}\n${out}\n\n${reply}\n`, "c.jsonl");
    expect(cassette.kind).toBe("bytes");
    expect(cassette.header).toEqual({
      cassette: "hil",
      version: 1,
      kind: "bytes",
      recorded: "a test",
      start: 0,
    });
    expect(cassette.events.map((e) => [e.line, e.event.dir])).toEqual([
      [2, "out"],
      [4, "in"],
    ]);
    expect(cassette.lastLine).toBe(4);
  });

  it("names the file and line of each kind of mistake", () => {
    expect(problem("").message).toBe("c.jsonl: empty: expected a header line");
    expect(problem(out).message).toMatch(/^c\.jsonl:1: expected the header line/);
    expect(problem(`${header()}\n${out}\n{"t":1,`).message).toMatch(/^c\.jsonl:3: not JSON: /);
    expect(problem(header("bytes").replace('"version":1', '"version":2')).message).toBe(
      "c.jsonl:1: cassette version 2 is newer than this hil reads (1)",
    );
    expect(problem(header("tape")).message).toMatch(/^c\.jsonl:1: not header: kind: /);
    const badDir = out.replace('"out"', '"ot"');
    expect(problem(`${header()}\n${out}\n${badDir}`).message).toMatch(
      /^c\.jsonl:3: not a bytes event: dir: /,
    );
    const oddHex = out.replace('"3154530d0a"', '"3154530d0"');
    expect(problem(`${header()}\n${oddHex}`).message).toBe(
      "c.jsonl:2: not a bytes event: hex: expected hex digits, two per byte",
    );
    const extra = out.replace('"t":0,', '"t":0,"tt":1,');
    expect(problem(`${header()}\n${extra}`).line).toBe(2);
  });

  it("refuses text that disagrees with the hex, since only the hex is played", () => {
    const edited = out.replace('"text":"1TS', '"text":"1TP');
    const error = problem(`${header()}\n${edited}`);
    expect(error.line).toBe(2);
    expect(error.message).toBe(
      'c.jsonl:2: text "1TP\\r\\n" does not match hex 3154530d0a ("1TS\\r\\n"); ' +
        "the hex is what is played: edit both",
    );
  });

  it("checks Modbus events: values of the function's type, no error on a request", () => {
    const request = '{"t":0,"dir":"out","channel":"m","fn":3,"unit":1,"address":2,"count":1}';
    const ok = parseCassette(`${header("modbus")}\n${request}`, "m.jsonl");
    expect(ok.kind).toBe("modbus");
    const bits = request.replace('"count":1', '"count":1,"values":[true]');
    expect(problem(`${header("modbus")}\n${bits}`).message).toBe(
      "c.jsonl:2: not a modbus event: values: function 3 carries register words",
    );
    const failed = request.replace('"count":1', '"error":{"code":2,"name":"ILLEGAL DATA ADDRESS"}');
    expect(problem(`${header("modbus")}\n${failed}`).message).toBe(
      "c.jsonl:2: not a modbus event: error: a request has no error",
    );
    const fn = request.replace('"fn":3', '"fn":7');
    expect(problem(`${header("modbus")}\n${fn}`).message).toMatch(
      /c\.jsonl:2: .*fn: expected a function code/,
    );
  });

  it("loads a file, and says when there is none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hil-cassette-"));
    const file = join(dir, "c.jsonl");
    writeFileSync(file, `${header()}\n${out}\n`);
    expect((await loadCassette(file)).events).toHaveLength(1);
    const missing = join(dir, "none.jsonl");
    await expect(loadCassette(missing)).rejects.toThrow(
      `${missing}: cannot read the cassette: no such file`,
    );
  });

  it("gives each player only its own kind of cassette, and one channel", () => {
    const bytes = parseCassette(`${header()}\n${out}`, "b.jsonl");
    const modbus = parseCassette(header("modbus"), "m.jsonl");
    expect(() => new ModbusCassettePlayer(bytes)).toThrow(
      "b.jsonl:1: a bytes cassette: play it with a CassettePlayer",
    );
    expect(() => new CassettePlayer(modbus)).toThrow(
      "m.jsonl:1: a modbus cassette: play it with a ModbusCassettePlayer",
    );
    const two = parseCassette(
      `${header()}\n${out}\n${out.replace("memory:a", "memory:b")}`,
      "2.jsonl",
    );
    expect(() => new CassettePlayer(two)).toThrow(
      '2.jsonl: holds several channels ("memory:a", "memory:b"): choose one with the channel option',
    );
    expect(() => new CassettePlayer(two, { channel: "memory:c" })).toThrow(
      '2.jsonl: no channel "memory:c" (it has "memory:a", "memory:b")',
    );
    expect(new CassettePlayer(two, { channel: "memory:b" }).remaining).toBe(1);
  });
});
