// The records serveDevicesAs() makes of a device's signals, as the database loads them: the
// record type of each datatype and access, values fitted to their fields, and names that
// cannot collide unnoticed.
import { describe, expect, it } from "vitest";
import { datatype, Device, realClock, softSignalRW } from "../../../src/core/index.js";
import { loadDatabase, serveDevicesAs } from "../../../src/ioc/index.js";
import type { DbRecord } from "../../../src/ioc/db/index.js";

class Box extends Device {
  constructor(name: string) {
    super({ name });
    const clock = realClock;
    this.add(
      "spectrum",
      softSignalRW(datatype.float64Array, new Float64Array([1, 2, 3]), { clock }),
    );
    this.add(
      "counts",
      softSignalRW(datatype.int, 7, { clock, precision: 2, units: "µm/s per degree" }),
    );
    this.add(
      "label",
      softSignalRW(datatype.string, `${"x".repeat(50)}\n$(NOT_A_MACRO)`, { clock }),
    );
    const choices = ["off", "a state name longer than twenty-five bytes"] as const;
    this.add("mode", softSignalRW(datatype.enumeration(choices), "off", { clock }));
  }
}

async function recordsOf(devices: Map<string, Device>): Promise<Map<string, DbRecord>> {
  const served = await serveDevicesAs(devices, { prefix: "T:" });
  return loadDatabase([], { files: { read: () => undefined } }, served.database).records;
}

const field = (record: DbRecord | undefined, name: string): string | undefined =>
  record?.fields.get(name)?.value;

describe("the records of a served device", () => {
  it("serves a writable array as an aao with a waveform readback, with room to grow", async () => {
    const records = await recordsOf(new Map([["box", new Box("box")]]));
    expect(records.get("T:box:spectrum")?.type).toBe("aao");
    expect(records.get("T:box:spectrum_RBV")?.type).toBe("waveform");
    expect(Number(field(records.get("T:box:spectrum_RBV"), "NELM"))).toBeGreaterThanOrEqual(1024);
  });

  it("fits values to their fields: no PREC on a longin, EGU and strings cut to bytes", async () => {
    const records = await recordsOf(new Map([["box", new Box("box")]]));
    const counts = records.get("T:box:counts");
    expect(counts?.type).toBe("longout");
    expect(field(counts, "PREC")).toBeUndefined();
    expect(Buffer.byteLength(field(counts, "EGU")!)).toBeLessThanOrEqual(15);
    expect(field(counts, "EGU")).toBe("µm/s per degre");
    const label = field(records.get("T:box:label"), "VAL")!;
    expect(Buffer.byteLength(label)).toBe(39);
    expect(label).not.toContain("\n");
  });

  it("serves an enumeration whose states do not fit as strings", async () => {
    const records = await recordsOf(new Map([["box", new Box("box")]]));
    expect(records.get("T:box:mode")?.type).toBe("stringout");
  });

  it("refuses two devices served under one name, naming both", async () => {
    const devices = new Map<string, Device>([
      ["a", new Box("a")],
      ["b", new Box("b")],
    ]);
    await expect(serveDevicesAs(devices, { names: { a: "X", b: "X" } })).rejects.toThrow(
      /record "X:spectrum" would serve both a_spectrum and b_spectrum/,
    );
  });
});
