import WebSocket from "ws";

export type Message = Record<string, unknown>;

/**
 * A websocket client that keeps every JSON message it receives, so a test can wait for the
 * first message (after those already looked at) that matches, instead of sleeping.
 */
export class SocketFeed {
  readonly socket: WebSocket;
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #cursor = 0;
  #waiters: Array<() => void> = [];

  constructor(
    url: string,
    options: { protocols?: string[]; headers?: Record<string, string> } = {},
  ) {
    this.socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    this.socket.on("message", (data: WebSocket.RawData) => {
      this.messages.push(JSON.parse(data.toString()) as Message);
      this.#wake();
    });
    this.closed = new Promise((resolve) =>
      this.socket.on("close", (code, reason) => {
        this.#wake();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /** Resolves once connected; rejects with the server's refusal (e.g. "Unexpected server response: 401"). */
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState === WebSocket.OPEN) resolve();
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
    });
  }

  /** The next message matching `test`, skipping (but keeping) those before it. */
  async next(test: (message: Message) => boolean = () => true): Promise<Message> {
    for (;;) {
      while (this.#cursor < this.messages.length) {
        const message = this.messages[this.#cursor]!;
        this.#cursor += 1;
        if (test(message)) return message;
      }
      if (this.socket.readyState === WebSocket.CLOSED) {
        throw new Error("the socket closed before the awaited message came");
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.close();
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
