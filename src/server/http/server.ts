import type { AddressInfo } from "node:net";
import websocket from "@fastify/websocket";
import Fastify from "fastify";
import type { FastifyError, FastifyInstance } from "fastify";
import type { QueueManager } from "../manager/index.js";
import type { QueueStore } from "../queue/index.js";
import { EngineFeeds } from "./engine-feeds.js";
import { addEngineRoutes } from "./engine-routes.js";
import { addHistoryRoutes } from "./history-routes.js";
import { addKeyRoutes, addTokenRoute } from "./key-routes.js";
import { addLiveSockets, chooseProtocol } from "./live-sockets.js";
import { addLockRoutes } from "./lock-routes.js";
import { addQueueRoutes } from "./queue-routes.js";
import { failed } from "./replies.js";
import { routeAdder } from "./route.js";
import { addStatusRoute } from "./status-route.js";

export interface QueueHttpServerOptions {
  store: QueueStore;
  /** Single-user mode: one key with every grant (see `singleUserApiKey`). */
  apiKey?: string;
  /** Lets requests without credentials read (status, queue, history, lock info). */
  allowAnonymousRead?: boolean;
  /** Where to listen; 127.0.0.1 unless the server is meant to be reached from elsewhere. */
  host?: string;
  /**
   * The engine: with it the status is the manager's, items are checked against its plans and
   * the environment, queue control, RunEngine and resource routes act; without it they
   * answer `{success: false, msg: "no engine is attached"}`.
   */
  manager?: QueueManager;
  /** Messages each websocket subscriber may have waiting (1000 unless set). */
  socketQueueCapacity?: number;
  /**
   * Other faces on the same server (a web page, another API): each is registered after the
   * /api routes, in its own Fastify context.
   */
  plugins?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

export interface QueueHttpServer {
  /** Starts listening; port 0 picks a free port. Resolves to the bound address. */
  listen(port?: number): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
  /** The bound address once listening. */
  readonly address: { host: string; port: number } | undefined;
}

/** The default port of bluesky-httpserver. */
export const defaultQueueHttpPort = 60610;

/** The single-user key from the environment (`HIL_API_KEY`), if set and not empty. */
export function singleUserApiKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = env.HIL_API_KEY;
  return key === undefined || key === "" ? undefined : key;
}

/** The queue server's HTTP API (bluesky-httpserver's routes under /api) over a QueueStore. */
export function createQueueHttpServer(options: QueueHttpServerOptions): QueueHttpServer {
  const { store, manager, host = "127.0.0.1", plugins = [] } = options;
  const app = Fastify({ logger: false });

  // An empty body on a route that needs none is an empty object, not an error.
  const jsonParser = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body.toString();
    if (text === "") done(null, {});
    else jsonParser(request, text, done);
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    // Unreadable JSON is a bad body like any other: 422, as for a body of the wrong shape.
    const unreadable = error.code?.startsWith("FST_ERR_CTP_") && error.statusCode === 400;
    const status = unreadable ? 422 : (error.statusCode ?? 500);
    return reply
      .code(status)
      .send(failed(unreadable ? `bad request: ${error.message}` : error.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(failed(`no route ${request.method} ${request.url}`)),
  );

  const feeds = new EngineFeeds(store, manager);
  app.addHook("onClose", async () => feeds.close());

  const route = routeAdder(app, options);
  addStatusRoute(route, () => feeds.currentStatus());
  addQueueRoutes(route, store, manager);
  addEngineRoutes(route, store, feeds);
  addHistoryRoutes(route, store);
  addLockRoutes(route, store);
  addKeyRoutes(route, store);
  addTokenRoute(route, store);
  // At the root, so plugins may serve websockets of their own.
  void app.register(websocket, { options: { handleProtocols: chooseProtocol } });
  void app.register(async (scope) =>
    addLiveSockets(scope, options, feeds, { capacity: options.socketQueueCapacity }),
  );
  for (const plugin of plugins) {
    void app.register(async (scope) => {
      await plugin(scope);
    });
  }

  let bound: { host: string; port: number } | undefined;
  return {
    async listen(port = defaultQueueHttpPort) {
      await app.listen({ port, host });
      const info = app.server.address() as AddressInfo;
      bound = { host: info.address, port: info.port };
      return bound;
    },
    async close() {
      await app.close();
      bound = undefined;
    },
    get address() {
      return bound;
    },
  };
}
