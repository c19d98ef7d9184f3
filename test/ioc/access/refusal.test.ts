import { describe, expect, it } from "vitest";
import { AccessSecurity, describeRefusal, parseAcf } from "../../../src/ioc/access/index.js";

describe("describeRefusal", () => {
  it("names the PV, the user, the host, the group and the level", () => {
    const security = AccessSecurity.fromConfig(parseAcf("ASG(RO) { RULE(1, READ) }"));
    const client = security.client("RO", 0, { user: "eve", host: "ws9" });
    expect(client.canWrite).toBe(false);
    expect(describeRefusal("BL:m1.VAL", client)).toBe(
      'write of BL:m1.VAL refused: user "eve" on host "ws9" has no write access (ASG RO, ASL0)',
    );
    expect(describeRefusal("BL:m1.DESC", security.client("X", 1, client.identity), "read")).toBe(
      'read of BL:m1.DESC refused: user "eve" on host "ws9" has no read access (ASG DEFAULT, ASL1)',
    );
  });
});
