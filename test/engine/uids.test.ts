import { describe, expect, it } from "vitest";
import { randomUuids } from "../../src/engine/uids.js";

describe("randomUuids", () => {
  it("makes distinct version 4 UUIDs, across the 4,096 of one fill of random bytes", () => {
    const uids = randomUuids(10_000);
    expect(uids).toHaveLength(10_000);
    expect(new Set(uids).size).toBe(10_000);
    for (const uid of uids) {
      expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // Every hex digit shows up in every free position: the bytes are all used.
    for (const position of [0, 9, 15, 20, 35]) {
      expect(new Set(uids.map((uid) => uid[position])).size).toBe(16);
    }
    expect(randomUuids(0)).toEqual([]);
  });
});
