import type { QueueHttpServerOptions } from "../../../src/server/http/index.js";
import { createQueueHttpServer } from "../../../src/server/http/index.js";
import type { QueueStore } from "../../../src/server/queue/index.js";
import { tempStore } from "../queue/temp-store.js";

export interface Answer {
  status: number;
  body: { success: boolean; msg: string } & Record<string, unknown>;
}

export type Call = (
  method: "GET" | "POST" | "DELETE",
  path: string,
  options?: { body?: unknown; key?: string; raw?: string; authorization?: string },
) => Promise<Answer>;

/** A queue server on a free port of 127.0.0.1 over a fresh database file, and real requests to it. */
export async function startServer(
  options: Omit<QueueHttpServerOptions, "store"> = {},
  temp = tempStore(),
): Promise<{
  store: QueueStore;
  call: Call;
  stop: () => Promise<void>;
  temp: typeof temp;
  /** `ws://host:port`, for websockets. */
  ws: string;
}> {
  const store = temp.open();
  const server = createQueueHttpServer({ store, ...options });
  const { host, port } = await server.listen(0);
  return {
    store,
    call: caller(host, port),
    stop: () => server.close(),
    temp,
    ws: `ws://${host}:${port}`,
  };
}

/** Real requests to a server listening on `host:port`. */
export function caller(host: string, port: number): Call {
  return async (method, path, { body, key, raw, authorization } = {}) => {
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.authorization = authorization;
    else if (key !== undefined) headers.authorization = `ApiKey ${key}`;
    let payload: string | undefined;
    if (raw !== undefined || body !== undefined) {
      headers["content-type"] = "application/json";
      payload = raw ?? JSON.stringify(body);
    }
    const response = await fetch(`http://${host}:${port}${path}`, {
      method,
      headers,
      body: payload,
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  };
}

export function plan(name: string, args: unknown[] = []): Record<string, unknown> {
  return { item_type: "plan", name, args };
}
