import { describe, expect, it } from "vitest";
import {
  AccessSecurity,
  type AccessSecurityOptions,
  type AsIdentity,
  type AsLevel,
  parseAcf,
} from "../../../src/ioc/access/index.js";

const ACF = `
UAG(ops) { alice, bob }
UAG(admins) { root }
HAG(consoles) { Console1, "ws2" }
ASG(DEFAULT) { RULE(1, READ) }
ASG(OPS) {
  RULE(1, READ)
  RULE(1, WRITE) { UAG(ops) HAG(consoles) }
}
ASG(EITHER) { RULE(1, WRITE) { UAG(admins, ops) } }
ASG(HOSTS) { RULE(1, WRITE) { HAG(consoles) } }
ASG(LEVELS) { RULE(0, WRITE) RULE(1, READ) }
ASG(TRAP) { RULE(1, READ) RULE(1, WRITE, TRAPWRITE) { UAG(ops) } RULE(1, WRITE) }
ASG(FIRSTTRAP) { RULE(1, WRITE) RULE(1, WRITE, TRAPWRITE) }
ASG(NORULES)
ASG(NONE) { RULE(1, NONE) }
`;

function rightsIn(
  asg: string,
  identity: AsIdentity,
  level: AsLevel = 0,
  options: AccessSecurityOptions = {},
): number {
  return AccessSecurity.fromConfig(parseAcf(ACF), options).access(asg, level, identity).rights;
}

const alice = { user: "alice", host: "console1" };

describe("AccessSecurity.access, as asLib's asComputePvt", () => {
  it("grants WRITE only to a user of the UAG on a host of the HAG", () => {
    expect(rightsIn("OPS", alice)).toBe(3);
    expect(rightsIn("OPS", { user: "carol", host: "console1" })).toBe(1);
    expect(rightsIn("OPS", { user: "alice", host: "elsewhere" })).toBe(1);
  });

  it("compares users case-sensitively and hosts in lower case", () => {
    expect(rightsIn("OPS", { user: "Alice", host: "console1" })).toBe(1);
    expect(rightsIn("OPS", { user: "alice", host: "CONSOLE1" })).toBe(3);
    expect(rightsIn("HOSTS", { user: "x", host: "WS2" })).toBe(3);
  });

  it("takes any of the UAGs a rule lists", () => {
    expect(rightsIn("EITHER", { user: "root", host: "h" })).toBe(3);
    expect(rightsIn("EITHER", { user: "bob", host: "h" })).toBe(3);
    expect(rightsIn("EITHER", { user: "eve", host: "h" })).toBe(0);
  });

  it("lets a level-1 rule cover both levels and a level-0 rule only ASL0 fields", () => {
    expect(rightsIn("LEVELS", alice, 0)).toBe(3);
    expect(rightsIn("LEVELS", alice, 1)).toBe(1);
  });

  it("puts records of an undefined ASG in DEFAULT", () => {
    const security = AccessSecurity.fromConfig(parseAcf(ACF));
    expect(security.groupOf("NOSUCH")).toBe("DEFAULT");
    expect(security.access("NOSUCH", 0, alice).rights).toBe(1);
    expect(security.client("", 1, alice).group).toBe("DEFAULT");
  });

  it("gives no access in a DEFAULT the file does not define, as softIoc does", () => {
    const security = AccessSecurity.fromConfig(parseAcf("ASG(A) { RULE(1, WRITE) }"));
    expect(security.access("B", 0, alice).rights).toBe(0);
    expect(security.access("A", 0, alice).rights).toBe(3);
  });

  it("gives no access in a group without rules, and NONE grants nothing", () => {
    expect(rightsIn("NORULES", alice)).toBe(0);
    expect(rightsIn("NONE", alice)).toBe(0);
  });

  it("reports TRAPWRITE from the first rule that gives the highest access", () => {
    const security = AccessSecurity.fromConfig(parseAcf(ACF));
    expect(security.access("TRAP", 0, alice)).toEqual({ rights: 3, trapWrite: true });
    expect(security.access("TRAP", 0, { user: "eve", host: "h" })).toEqual({
      rights: 3,
      trapWrite: false,
    });
    expect(security.access("FIRSTTRAP", 0, alice).trapWrite).toBe(false);
  });

  it("with checkClientIP compares peer addresses with HAG entries resolved when built", () => {
    const acf = parseAcf("HAG(h) { 10.0.0.5, ws1, nowhere }\nASG(A) { RULE(1, WRITE) { HAG(h) } }");
    const resolveHost = (name: string) => (name === "ws1" ? "10.0.0.7" : undefined);
    const security = AccessSecurity.fromConfig(acf, { checkClientIP: true, resolveHost });
    const at = (host: string) => security.access("A", 0, { user: "u", host }).rights;
    expect([at("10.0.0.5"), at("10.0.0.7"), at("ws1"), at("nowhere"), at("10.0.0.6")]).toEqual([
      3, 3, 0, 0, 0,
    ]);
  });

  it("grants everything when disabled (an IOC without an .acf file)", () => {
    const client = AccessSecurity.disabled().client("ANY", 1, alice);
    expect([client.rights, client.canRead, client.canWrite, client.trapWrite]).toEqual([
      3,
      true,
      true,
      false,
    ]);
  });

  it("recomputes when a client sends a new user or host name", () => {
    const client = AccessSecurity.fromConfig(parseAcf(ACF)).client("OPS", 0, {
      user: "eve",
      host: "console1",
    });
    const seen: number[] = [];
    client.onChange((access) => seen.push(access.rights));
    client.setIdentity(alice);
    client.setIdentity({ user: "alice", host: "CONSOLE1" });
    client.setIdentity({ user: "alice", host: "other" });
    expect(seen).toEqual([3, 1]);
    expect(client.canWrite).toBe(false);
  });
});
