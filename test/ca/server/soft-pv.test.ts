// SoftPv: what each post tells its subscribers, and how client writes reach it.
import { describe, expect, it } from "vitest";
import { AccessRights, DBE, DBR, SoftPv, type CaPvUpdate } from "../../../src/ca/index.js";
import { VirtualClock } from "../../../src/core/index.js";

const client = { user: "u", host: "h", address: "127.0.0.1" };

function watch(pv: SoftPv): number[] {
  const events: number[] = [];
  pv.subscribe((update: CaPvUpdate) => events.push(update.events));
  return events;
}

describe("SoftPv", () => {
  it("infers the native type and count", () => {
    expect(new SoftPv({ value: 1 })).toMatchObject({ nativeType: DBR.DOUBLE, maxCount: 1 });
    expect(new SoftPv({ value: "x" })).toMatchObject({ nativeType: DBR.STRING, maxCount: 1 });
    expect(new SoftPv({ value: new Int16Array(5) })).toMatchObject({
      nativeType: DBR.SHORT,
      maxCount: 5,
    });
    expect(new SoftPv({ value: 0, metadata: { enumStrings: ["a", "b"] } }).nativeType).toBe(
      DBR.ENUM,
    );
  });

  it("posts VALUE|LOG, ALARM and PROPERTY by what changed, nothing when nothing did", () => {
    const pv = new SoftPv({ value: 1, metadata: { units: "mm" } });
    const events = watch(pv);
    pv.post(2);
    pv.post(2);
    pv.post(2, { severity: 1, status: 3 });
    pv.post(undefined, { units: "um" });
    pv.post(3, { severity: 0, status: 0 });
    expect(events).toEqual([
      DBE.VALUE | DBE.LOG,
      DBE.ALARM,
      DBE.PROPERTY,
      DBE.VALUE | DBE.LOG | DBE.ALARM,
    ]);
  });

  it("an array changed in place and posted again is a new value", () => {
    const data = new Float64Array(3);
    const pv = new SoftPv({ value: data });
    const events = watch(pv);
    data[0] = 5;
    pv.post(data);
    expect(events).toEqual([DBE.VALUE | DBE.LOG]);
  });

  it("stamps posts with its clock", () => {
    const clock = new VirtualClock({ start: 631152000 + 100 });
    const pv = new SoftPv({ value: 1, clock });
    expect(pv.read().timestamp).toEqual({ secondsSinceEpoch: 100, nanoseconds: 0 });
  });

  it("a write converts to the native type, calls onWrite, then stores and posts", async () => {
    const seen: unknown[] = [];
    const pv = new SoftPv({
      value: 0,
      metadata: { enumStrings: ["Off", "On"] },
      onWrite: (value) => {
        seen.push(Array.from(value as Uint16Array));
      },
    });
    const events = watch(pv);
    await pv.write!("On", client);
    expect(seen).toEqual([[1]]);
    expect(pv.value).toEqual(Uint16Array.of(1));
    expect(events).toEqual([DBE.VALUE | DBE.LOG]);
  });

  it("an onWrite that throws refuses the write; read-only PVs have no write", () => {
    const pv = new SoftPv({
      value: 0,
      onWrite: () => {
        throw new Error("no");
      },
    });
    expect(() => pv.write!(1, client)).toThrow("no");
    expect(pv.value).toEqual(Float64Array.of(0));
    const ro = new SoftPv({ value: 0, writable: false });
    expect(ro.write).toBeUndefined();
    expect(ro.accessRights(client)).toBe(AccessRights.READ);
    expect(pv.accessRights(client)).toBe(AccessRights.READ_WRITE);
  });

  it("unsubscribing stops the updates", () => {
    const pv = new SoftPv({ value: 0 });
    const events: number[] = [];
    const stop = pv.subscribe((u) => events.push(u.events));
    stop();
    pv.post(1);
    expect(events).toEqual([]);
    expect(pv.subscriberCount).toBe(0);
  });
});
