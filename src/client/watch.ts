import WebSocket from "ws";
import { QueueClientError } from "./errors.js";
import { socketMessage } from "./replies.js";

export interface WatchOptions {
  /** A message that is not a numbered JSON object; the socket stays open. */
  onError?: (error: QueueClientError) => void;
}

/** An open websocket: `close()` ends it, `closed` resolves when it has ended for any reason. */
export interface SocketWatch {
  close(): Promise<void>;
  readonly closed: Promise<void>;
}

/** Opens `url` with the Authorization header; resolves when open, rejects with the server's refusal. */
export function watchSocket(
  url: string,
  authorization: string | undefined,
  onMessage: (message: { seq: number; [field: string]: unknown }) => void,
  options: WatchOptions,
): Promise<SocketWatch> {
  const socket = new WebSocket(url, {
    headers: authorization === undefined ? {} : { authorization },
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("message", (data, isBinary) => {
    const text = isBinary ? undefined : data.toString();
    let json: unknown;
    try {
      json = text === undefined ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = socketMessage.safeParse(json);
    if (parsed.success) onMessage(parsed.data);
    else
      options.onError?.(
        new QueueClientError(`${url}: not a numbered JSON message: ${String(text).slice(0, 200)}`),
      );
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.removeAllListeners("error");
      socket.on("error", (error) => options.onError?.(new QueueClientError(error.message)));
      resolve({
        close: () => {
          if (socket.readyState !== WebSocket.CLOSED) socket.close();
          return closed;
        },
        closed,
      });
    });
    // The server refused the upgrade: its reply body carries the reason.
    socket.once("unexpected-response", (request, response) => {
      const connection = request.socket;
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => {
        let msg = `HTTP ${response.statusCode}`;
        let reply: unknown = body;
        try {
          reply = JSON.parse(body);
          const text = (reply as { msg?: unknown }).msg;
          if (typeof text === "string" && text !== "") msg = text;
        } catch {
          // Not JSON: the status code is all there is to tell.
        }
        // With a listener for the refusal, ws leaves ending the connection to us.
        connection?.destroy();
        reject(new QueueClientError(msg, response.statusCode, reply));
      });
    });
    socket.once("error", (error) =>
      reject(
        new QueueClientError(`${url}: ${error.message}`, undefined, undefined, { cause: error }),
      ),
    );
  });
}
