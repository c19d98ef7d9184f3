import { afterEach, describe, expect, it } from "vitest";
import { createQueueHttpServer } from "../../../src/server/http/index.js";
import { tempStore } from "../queue/temp-store.js";

describe("createQueueHttpServer", () => {
  const temp = tempStore();
  afterEach(() => temp.cleanup());

  it("binds to 127.0.0.1 by default and forgets its address when closed", async () => {
    const server = createQueueHttpServer({ store: temp.open(), apiKey: "k" });
    expect(server.address).toBeUndefined();
    const address = await server.listen(0);
    expect(address.host).toBe("127.0.0.1");
    expect(address.port).toBeGreaterThan(0);
    expect(server.address).toEqual(address);
    const response = await fetch(`http://127.0.0.1:${address.port}/api/status`, {
      headers: { authorization: "ApiKey k" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    await server.close();
    expect(server.address).toBeUndefined();
  });
});
