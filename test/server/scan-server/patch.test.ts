import { describe, expect, it } from "vitest";
import {
  applyPatch,
  assignAddresses,
  parseCommandsXml,
  parsePatchXml,
  ScanPatchError,
  ScanXmlError,
  writeCommandsXml,
  type ScanCommand,
  type ScanPatch,
} from "../../../src/server/scan-server/index.ts";

// 0 comment, 1 loop [2 set, 3 delay], 4 sequence [5 wait], 6 wait
const SCAN = assignAddresses(
  parseCommandsXml(`<commands>
  <comment><text>go</text></comment>
  <loop>
    <device>m</device><start>0</start><end>10</end><step>1</step>
    <body>
      <set><device>d</device><value>1</value><wait>false</wait></set>
      <delay><seconds>1</seconds></delay>
    </body>
  </loop>
  <sequence><body><wait><device>w</device><value>1</value></wait></body></sequence>
  <wait><device>w</device><value>2</value></wait>
</commands>`),
);

function applied(commands: readonly ScanCommand[], patch: ScanPatch): readonly ScanCommand[] {
  const result = applyPatch(commands, patch);
  if (!result.applied) throw new Error(result.reason);
  return result.commands;
}

function patchError(patch: ScanPatch): string {
  try {
    applyPatch(SCAN, patch);
  } catch (e) {
    if (e instanceof ScanPatchError) return e.message;
    throw e;
  }
  return "no error";
}

describe("the <patch> body", () => {
  it("reads what PyScanClient sends", () => {
    expect(
      parsePatchXml("<patch><address>1</address><property>end</property><value>20</value></patch>"),
    ).toEqual({ address: 1, property: "end", value: 20 });
    expect(
      parsePatchXml(
        "<patch><address>2</address><property>value</property><value>Open</value></patch>",
      ),
    ).toEqual({ address: 2, property: "value", value: "Open" });
  });

  it("defaults the address to -1 and the value to 0", () => {
    expect(parsePatchXml("<patch><property>seconds</property></patch>")).toEqual({
      address: -1,
      property: "seconds",
      value: 0,
    });
  });

  it("refuses another root, a missing property and a bad address", () => {
    expect(() => parsePatchXml("<commands/>")).toThrow(
      "Wrong document type. Expected <patch> but found <commands>",
    );
    expect(() => parsePatchXml("<patch><address>1</address></patch>")).toThrow(
      "Missing <property> for patch",
    );
    expect(() =>
      parsePatchXml("<patch>\n<address>one</address><property>p</property></patch>"),
    ).toThrow(ScanXmlError);
  });
});

describe("applying a patch", () => {
  it("changes a loop's end and returns a new tree, the old one untouched", () => {
    const next = applied(SCAN, { address: 1, property: "end", value: 20 });
    expect(next[1]).toMatchObject({ type: "loop", end: 20 });
    expect(SCAN[1]).toMatchObject({ end: 10 });
    expect(writeCommandsXml(next)).toContain("<end>20.0</end>");
  });

  it("reaches commands inside a loop body", () => {
    const next = applied(SCAN, { address: 2, property: "value", value: "Open" });
    expect(next[1]).toMatchObject({ body: [{ type: "set", value: "Open" }, { type: "delay" }] });
    const delayed = applied(SCAN, { address: 3, property: "seconds", value: 2.5 });
    expect(delayed[1]).toMatchObject({ body: [{ type: "set" }, { seconds: 2.5 }] });
  });

  it("converts text to the property's type as the server does", () => {
    const set = applied(SCAN, { address: 2, property: "completion", value: "TRUE" });
    expect(set[1]).toMatchObject({ body: [{ completion: true }, { type: "delay" }] });
    const wait = applied(SCAN, { address: 6, property: "comparison", value: ">=" });
    expect(wait[3]).toMatchObject({ comparison: "AT_LEAST" });
    const tol = applied(SCAN, { address: 6, property: "tolerance", value: -1 });
    expect(tol[3]).toMatchObject({ tolerance: 0 });
    const name = applied(SCAN, { address: 6, property: "device_name", value: "w2" });
    expect(name[3]).toMatchObject({ deviceName: "w2" });
  });

  it("resets a loop's tolerance with its step, and a zero step to 1", () => {
    const next = applied(SCAN, { address: 1, property: "step_size", value: -0.5 });
    expect(next[1]).toMatchObject({ stepSize: -0.5, tolerance: 0.05 });
    const zero = applied(SCAN, { address: 1, property: "step_size", value: 0 });
    expect(zero[1]).toMatchObject({ stepSize: 1, tolerance: 0.1 });
  });

  it("finds commands only in loop bodies, as the server does", () => {
    expect(patchError({ address: 5, property: "desired_value", value: 3 })).toBe(
      "Invalid command address 5",
    );
    expect(patchError({ address: 99, property: "end", value: 3 })).toBe(
      "Invalid command address 99",
    );
  });

  it("refuses unknown properties and values of the wrong type, naming the command class", () => {
    expect(patchError({ address: 1, property: "stop", value: 3 })).toBe(
      "Cannot update stop of LoopCommand",
    );
    expect(patchError({ address: 1, property: "end", value: "far" })).toBe(
      "Cannot update end of LoopCommand",
    );
    expect(patchError({ address: 6, property: "comparison", value: "EQUALS" })).toBe(
      "Cannot update comparison of WaitCommand",
    );
    expect(patchError({ address: 6, property: "device_name", value: 5 })).toBe(
      "Cannot update device_name of WaitCommand",
    );
    expect(patchError({ address: 0, property: "error_handler", value: "H" })).toBe(
      "Cannot update error_handler of CommentCommand",
    );
  });

  it("refuses a command that has already run and will not run again", () => {
    const result = applyPatch(
      SCAN,
      { address: 0, property: "comment", value: "x" },
      { nextAddress: 3 },
    );
    expect(result).toEqual({
      applied: false,
      reason: "Command at address 0 has already run (next address 3)",
    });
    const done = applyPatch(SCAN, { address: 2, property: "value", value: 4 }, { nextAddress: 6 });
    expect(done.applied).toBe(false);
  });

  it("accepts the running loop, its body and what has not run yet", () => {
    const progress = { nextAddress: 3 };
    expect(applyPatch(SCAN, { address: 1, property: "end", value: 5 }, progress).applied).toBe(
      true,
    );
    expect(applyPatch(SCAN, { address: 2, property: "value", value: 4 }, progress).applied).toBe(
      true,
    );
    expect(applyPatch(SCAN, { address: 3, property: "seconds", value: 4 }, progress).applied).toBe(
      true,
    );
    expect(applyPatch(SCAN, { address: 6, property: "timeout", value: 4 }, progress).applied).toBe(
      true,
    );
  });
});
