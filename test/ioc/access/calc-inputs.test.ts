import { describe, expect, it } from "vitest";
import {
  type AsAccess,
  AccessSecurity,
  type AsInputs,
  parseAcf,
} from "../../../src/ioc/access/index.js";

/** INP PVs set by the test: `set(pv, value, valid)` reaches every subscriber at once. */
class TestInputs implements AsInputs {
  private readonly listeners = new Map<string, Set<(value: number, valid: boolean) => void>>();

  subscribe(pv: string, listener: (value: number, valid: boolean) => void): () => void {
    let set = this.listeners.get(pv);
    if (!set) this.listeners.set(pv, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  set(pv: string, value: number, valid = true): void {
    for (const listener of this.listeners.get(pv) ?? []) listener(value, valid);
  }

  count(pv: string): number {
    return this.listeners.get(pv)?.size ?? 0;
  }
}

const ACF = `
UAG(ops) { alice }
ASG(GATED) {
  INPA("BL:enable")
  INPB("BL:mode")
  RULE(1, READ)
  RULE(1, WRITE, TRAPWRITE) { UAG(ops) CALC("A=1 && B<2") }
}
ASG(CONST) { INPA("BL:enable") RULE(1, READ) RULE(1, WRITE) { CALC("1") } }
ASG(NOINP) { INPA("BL:enable") RULE(1, READ) RULE(1, WRITE) { CALC("C=0") } }
ASG(UNSET) { INPA("BL:enable") RULE(1, READ) RULE(1, WRITE) { CALC("A=1 && C=0") } }
`;

function setUp() {
  const inputs = new TestInputs();
  const security = AccessSecurity.fromConfig(parseAcf(ACF), { inputs });
  return { inputs, security };
}

const alice = { user: "alice", host: "h" };

describe("CALC rules and their INP inputs", () => {
  it("do not grant until every input they read has a valid value", () => {
    const { inputs, security } = setUp();
    const client = security.client("GATED", 0, alice);
    expect(client.rights).toBe(1);
    inputs.set("BL:enable", 1);
    expect(client.rights).toBe(1); // BL:mode has not come yet
    inputs.set("BL:mode", 0);
    expect([client.rights, client.trapWrite]).toEqual([3, true]);
  });

  it("push the new rights to listeners when an input changes, and only then", () => {
    const { inputs, security } = setUp();
    const client = security.client("GATED", 0, alice);
    const seen: AsAccess[] = [];
    client.onChange((access) => seen.push(access));
    inputs.set("BL:enable", 1);
    inputs.set("BL:mode", 1);
    inputs.set("BL:mode", 0); // still granted: no change to report
    inputs.set("BL:mode", 5);
    inputs.set("BL:mode", 1);
    expect(seen).toEqual([
      { rights: 3, trapWrite: true },
      { rights: 1, trapWrite: false },
      { rights: 3, trapWrite: true },
    ]);
  });

  it("stop granting while an input is disconnected or INVALID, and grant again after", () => {
    const { inputs, security } = setUp();
    const client = security.client("GATED", 0, alice);
    inputs.set("BL:enable", 1);
    inputs.set("BL:mode", 0);
    inputs.set("BL:enable", 1, false);
    expect(client.rights).toBe(1);
    inputs.set("BL:enable", 1);
    expect(client.rights).toBe(3);
  });

  it("still need the rule's other conditions", () => {
    const { inputs, security } = setUp();
    const client = security.client("GATED", 0, { user: "eve", host: "h" });
    inputs.set("BL:enable", 1);
    inputs.set("BL:mode", 0);
    expect(client.rights).toBe(1);
  });

  it("are computed only when an input they read changes, as asLib does", () => {
    const { inputs, security } = setUp();
    // CALC("1") reads no input, CALC("C=0") only one without an INP: never computed.
    inputs.set("BL:enable", 1);
    expect(security.access("CONST", 0, alice).rights).toBe(1);
    expect(security.access("NOINP", 0, alice).rights).toBe(1);
    // An input without an INP reads as 0 once the rule is computed.
    expect(security.access("UNSET", 0, alice).rights).toBe(3);
  });

  it("update every client of the group, and closed clients no more", () => {
    const { inputs, security } = setUp();
    const one = security.client("GATED", 0, alice);
    const two = security.client("GATED", 1, alice);
    const seen: string[] = [];
    one.onChange((a) => seen.push(`one ${a.rights}`));
    two.onChange((a) => seen.push(`two ${a.rights}`));
    inputs.set("BL:enable", 1);
    inputs.set("BL:mode", 0);
    two.close();
    inputs.set("BL:mode", 3);
    expect(seen).toEqual(["one 3", "two 3", "one 1"]);
  });

  it("never grant without an input source, and close() unsubscribes from it", () => {
    const alone = AccessSecurity.fromConfig(parseAcf(ACF));
    expect(alone.access("GATED", 0, alice).rights).toBe(1);
    const { inputs, security } = setUp();
    expect(inputs.count("BL:enable")).toBe(4);
    security.close();
    expect(inputs.count("BL:enable")).toBe(0);
  });

  it("tell every listener even when one throws, then rethrow", () => {
    const { inputs, security } = setUp();
    const client = security.client("GATED", 0, alice);
    const seen: number[] = [];
    client.onChange(() => {
      throw new Error("listener failed");
    });
    client.onChange((a) => seen.push(a.rights));
    inputs.set("BL:enable", 1);
    expect(() => inputs.set("BL:mode", 0)).toThrow("listener failed");
    expect(seen).toEqual([3]);
  });
});
