import { afterEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { tempStore } from "../queue/temp-store.js";
import type { Call } from "./http-harness.js";
import { startServer } from "./http-harness.js";
import { SocketFeed } from "./socket-feed.js";

describe("queue HTTP API: engine routes without an engine, tokens, socket credentials, plugins", () => {
  let stop: (() => Promise<void>) | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await stop?.();
    cleanup?.();
  });

  const engineRoutes: Array<["GET" | "POST", string]> = [
    ["POST", "/api/environment/open"],
    ["POST", "/api/environment/close"],
    ["POST", "/api/environment/destroy"],
    ["POST", "/api/queue/start"],
    ["POST", "/api/queue/stop"],
    ["POST", "/api/queue/stop/cancel"],
    ["POST", "/api/re/pause"],
    ["POST", "/api/re/resume"],
    ["POST", "/api/re/stop"],
    ["POST", "/api/re/abort"],
    ["POST", "/api/re/halt"],
    ["GET", "/api/re/runs"],
    ["GET", "/api/re/runs/active"],
    ["GET", "/api/plans/allowed"],
    ["GET", "/api/devices/allowed"],
    ["GET", "/api/plans/existing"],
    ["GET", "/api/devices/existing"],
  ];

  it("answers every engine route with 'no engine is attached' rather than 404", async () => {
    const started = await startServer();
    ({ stop } = started);
    cleanup = started.temp.cleanup;
    const key = started.store.apiKeys.create({ principal: "u", scopes: [], role: "user" }).secret;
    for (const [method, path] of engineRoutes) {
      const answer = await started.call(method, path, { key });
      expect([path, answer.status, answer.body]).toEqual([
        path,
        200,
        { success: false, msg: "no engine is attached" },
      ]);
    }
    const execute = await started.call("POST", "/api/queue/item/execute", {
      key,
      body: { item: { item_type: "plan", name: "count", args: [["det"]] } },
    });
    expect(execute.body).toEqual({ success: false, msg: "no engine is attached" });
    const consoleText = await started.call("GET", "/api/console_output?nlines=5", { key });
    expect(consoleText.body).toEqual({ success: true, msg: "", text: "" });
  });

  it("exchanges an API key for a bearer token that expires", async () => {
    let now = 1_000;
    const temp = tempStore({ now: () => now });
    const started = await startServer({}, temp);
    ({ stop } = started);
    cleanup = temp.cleanup;
    const call: Call = started.call;
    const key = started.store.apiKeys.create({ principal: "u", scopes: [], role: "user" }).secret;

    const issued = await call("POST", "/api/auth/token", { key, body: { expires_in: 60 } });
    expect(issued.body).toMatchObject({
      success: true,
      token_type: "bearer",
      expires_in: 60,
      expires_at: 1_060,
    });
    const token = issued.body.access_token as string;
    const bearer = `Bearer ${token}`;
    const status = await call("GET", "/api/status", { authorization: bearer });
    expect(status.body.success).toBe(true);
    // The token carries the key's role: a user may edit, not lock.
    const lock = await call("POST", "/api/lock", {
      authorization: bearer,
      body: { lock_key: "k", queue: true },
    });
    expect(lock.status).toBe(403);
    const again = await call("POST", "/api/auth/token", { authorization: bearer });
    expect(again.body).toMatchObject({
      success: false,
      msg: expect.stringMatching(/another token/),
    });

    now = 1_060;
    const expired = await call("GET", "/api/status", { authorization: bearer });
    expect(expired.status).toBe(401);
    expect((await call("GET", "/api/status", { key })).status).toBe(200);
  });

  it("refuses a token to an anonymous reader", async () => {
    const started = await startServer({ allowAnonymousRead: true });
    ({ stop } = started);
    cleanup = started.temp.cleanup;
    const answer = await started.call("POST", "/api/auth/token");
    expect(answer.body).toMatchObject({ success: false, msg: expect.stringMatching(/API key/) });
  });

  it("authenticates websockets by header, ?api_key= or the bearer subprotocol", async () => {
    const started = await startServer();
    ({ stop } = started);
    cleanup = started.temp.cleanup;
    const key = started.store.apiKeys.create({
      principal: "o",
      scopes: [],
      role: "observer",
    }).secret;
    const url = `${started.ws}/api/status/ws`;

    await expect(new SocketFeed(url).opened()).rejects.toThrow(/401/);
    await expect(new SocketFeed(`${url}?api_key=wrong`).opened()).rejects.toThrow(/401/);

    const byQuery = new SocketFeed(`${url}?api_key=${key}`);
    await byQuery.opened();
    expect(await byQuery.next()).toMatchObject({
      kind: "snapshot",
      seq: 0,
      status: { manager_state: "idle", items_in_queue: 0 },
    });
    byQuery.close();

    const token = (await started.call("POST", "/api/auth/token", { key })).body
      .access_token as string;
    const byProtocol = new SocketFeed(url, { protocols: ["bearer", token] });
    await byProtocol.opened();
    expect(byProtocol.socket.protocol).toBe("bearer");
    expect((await byProtocol.next()).kind).toBe("snapshot");
    byProtocol.close();

    // Without an engine the store's changes are pushed: here, an item added.
    const byHeader = new SocketFeed(url, { headers: { authorization: `ApiKey ${key}` } });
    await byHeader.opened();
    const snapshot = await byHeader.next();
    expect(snapshot.kind).toBe("snapshot");
    started.store.queue.add({ item_type: "plan", name: "count" }, { user: "u", user_group: "g" });
    expect(await byHeader.next()).toMatchObject({
      kind: "status",
      seq: (snapshot.seq as number) + 1,
      status: { items_in_queue: 1 },
    });
    byHeader.close();
  });

  it("registers plugins after the API, on the same server", async () => {
    const page = (app: FastifyInstance) => {
      app.get("/", async (_request, reply) => reply.type("text/html").send("<h1>queue</h1>"));
      app.get("/hello/ws", { websocket: true }, (socket) => socket.send('{"hello":"page"}'));
    };
    const started = await startServer({ plugins: [page] });
    ({ stop } = started);
    cleanup = started.temp.cleanup;
    const base = started.ws.replace("ws:", "http:");
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("<h1>queue</h1>");
    const hello = new SocketFeed(`${started.ws}/hello/ws`);
    expect(await hello.next()).toEqual({ hello: "page" });
    hello.close();
    // The API is still there, and its 404 still answers in the API's shape.
    expect((await started.call("GET", "/api/nothing")).status).toBe(404);
  });
});
