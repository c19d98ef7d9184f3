import { describe, expect, it } from "vitest";
import {
  decodeRequest,
  dispatcherRequestJsonSchema,
  dispatcherRequestSchema,
} from "../../../src/server/dispatcher/index.js";

describe("decodeRequest", () => {
  it("reads each request type", () => {
    for (const type of ["pause", "resume", "stop", "abort", "halt", "state", "subscribe"]) {
      expect(decodeRequest(JSON.stringify({ type }))).toEqual({
        kind: "request",
        request: { type },
        keepOpen: false,
      });
    }
    expect(
      decodeRequest('{"type": "start", "plan": "slew_scan", "params": {"pitch": 20}}'),
    ).toEqual({
      kind: "request",
      request: { type: "start", plan: "slew_scan", params: { pitch: 20 } },
      keepOpen: false,
    });
  });

  it("counts keep_open by its presence, whatever its value", () => {
    for (const value of ["true", "false", "null", "0", '""']) {
      const decoded = decodeRequest(`{"type": "state", "keep_open": ${value}}`);
      expect(decoded).toMatchObject({ kind: "request", keepOpen: true });
    }
  });

  it("ignores keys it does not know", () => {
    expect(decodeRequest('{"type": "state", "colour": "blue"}')).toEqual({
      kind: "request",
      request: { type: "state" },
      keepOpen: false,
    });
  });

  it("tells bad JSON from an unsupported message", () => {
    expect(decodeRequest("{type: state}")).toEqual({ kind: "bad-json" });
    expect(decodeRequest("")).toEqual({ kind: "bad-json" });
    for (const text of ['{"type": "dance"}', "{}", "[1]", "5", "null", '{"type": 3}']) {
      expect(decodeRequest(text)).toEqual({ kind: "unsupported" });
    }
  });

  it("names the field of a known request that has the wrong shape", () => {
    const decoded = decodeRequest('{"type": "start", "plan": 5, "keep_open": 1}');
    expect(decoded).toMatchObject({ kind: "invalid", keepOpen: true });
    if (decoded.kind === "invalid") expect(decoded.problem).toContain('"plan"');
    expect(decodeRequest('{"type": "start", "plan": "x", "params": [1]}')).toMatchObject({
      kind: "invalid",
    });
  });

  it("publishes a schema a client can check its messages with", () => {
    expect(dispatcherRequestSchema.safeParse({ type: "halt", keep_open: true }).success).toBe(true);
    expect(dispatcherRequestSchema.safeParse({ type: "jump" }).success).toBe(false);
  });

  it("publishes the same rules as JSON Schema", () => {
    const schema = dispatcherRequestJsonSchema();
    const types = (schema.oneOf ?? []).map((branch) =>
      typeof branch === "object" ? branch.properties?.["type"] : undefined,
    );
    expect(types).toHaveLength(8);
    expect(JSON.stringify(schema)).toContain('"const":"subscribe"');
  });
});
