import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AuthOptions } from "./authenticate.js";
import type { ConsoleLine } from "./console-buffer.js";
import type { DocumentPayload, EngineFeeds } from "./engine-feeds.js";
import type { Numbered } from "./fan-out.js";
import type { Credentials } from "./route.js";
import { guard } from "./route.js";
import { pump } from "./socket-pump.js";

export interface LiveSocketOptions {
  /** Messages each subscriber may have waiting before it is cut off (lossless) or loses the oldest (lossy). */
  capacity?: number;
}

/** The subprotocol a browser offers, followed by its token, to authenticate a websocket. */
export const bearerProtocol = "bearer";

/**
 * Websockets can carry credentials in the Authorization header, in `?api_key=`, or (for
 * browsers, which cannot set headers) as the subprotocols `bearer, <token>`.
 */
const socketCredentials: Credentials = (request) => {
  if (request.headers.authorization !== undefined) return request.headers.authorization;
  const query = request.query as { api_key?: unknown };
  if (typeof query.api_key === "string" && query.api_key !== "") return `ApiKey ${query.api_key}`;
  const offered = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
  const at = offered.indexOf(bearerProtocol);
  const token = at >= 0 ? offered[at + 1] : undefined;
  return token === undefined || token === "" ? undefined : `Bearer ${token}`;
};

const documentsQuery = z.object({ mode: z.enum(["lossless", "lossy"]).optional() });

/**
 * A message's text: its number (and the count dropped before it) and its fields. The fields'
 * JSON is made once per message, however many subscribers take it.
 */
function framer<T extends object>(
  fields: (payload: T) => object,
): (message: Numbered<T>) => string {
  const texts = new WeakMap<T, string>();
  return ({ seq, dropped, payload }) => {
    let text = texts.get(payload);
    if (text === undefined) {
      text = JSON.stringify(fields(payload)).slice(1, -1);
      texts.set(payload, text);
    }
    const head = dropped === undefined ? `{"seq":${seq}` : `{"seq":${seq},"dropped":${dropped}`;
    return text === "" ? `${head}}` : `${head},${text}}`;
  };
}

const statusFrame = framer((status: object) => ({ kind: "status", status }));
const documentFrame = framer(({ name, doc }: DocumentPayload) => ({ name, doc }));
const consoleFrame = framer(({ time, msg }: ConsoleLine) => ({ time, msg }));

/** What the websocket server answers to offered subprotocols: `bearer` when offered. */
export function chooseProtocol(protocols: Set<string>): string | false {
  return protocols.has(bearerProtocol) ? bearerProtocol : false;
}

/**
 * The pushes: status, documents of the running plan and console lines. The app must have
 * `@fastify/websocket` registered, with `chooseProtocol` as its `handleProtocols`.
 */
export function addLiveSockets(
  app: FastifyInstance,
  auth: AuthOptions,
  feeds: EngineFeeds,
  options: LiveSocketOptions = {},
): void {
  const capacity = options.capacity ?? 1000;
  const read = (url: string) =>
    guard(auth, "read", `GET ${url}`, () => undefined, socketCredentials);

  // A snapshot first, then every status the manager reports, numbered without gaps.
  app.get("/api/status/ws", { websocket: true, onRequest: read("/api/status/ws") }, (socket) => {
    const snapshot = feeds.currentStatus();
    socket.send(JSON.stringify({ seq: feeds.status.seq, kind: "snapshot", status: snapshot }));
    pump(socket, feeds.status, "lossless", capacity, statusFrame);
  });

  app.get(
    "/api/documents/ws",
    { websocket: true, onRequest: read("/api/documents/ws") },
    (socket, request: FastifyRequest) => {
      const query = documentsQuery.safeParse(request.query);
      if (!query.success) {
        socket.close(1008, "mode must be 'lossless' or 'lossy'");
        return;
      }
      pump(socket, feeds.documents, query.data.mode ?? "lossless", capacity, documentFrame);
    },
  );

  // Console lines may be dropped for a slow reader, as the httpserver's console queue does.
  app.get("/api/console/ws", { websocket: true, onRequest: read("/api/console/ws") }, (socket) =>
    pump(socket, feeds.console, "lossy", capacity, consoleFrame),
  );
}
