import type { Delivery, FanOut, Numbered } from "./fan-out.js";

/** What the pump needs of a websocket (`ws`'s WebSocket has it). */
export interface PushSocket {
  readonly readyState: number;
  /** Bytes handed to the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string, callback: (error?: Error) => void): void;
  close(code: number, reason: string): void;
  once(event: "close", listener: () => void): unknown;
}

const open = 1;

/** Past this many bytes buffered in the socket, sending waits for the socket to catch up. */
export const highWater = 64 * 1024;

/**
 * Serves one subscriber of `feed` on `socket`. The feed's listener only queues; the queue is
 * sent while the socket has room, and each send's callback sends more. A lossless subscriber
 * that falls `capacity` messages behind is closed with 1008.
 */
export function pump<T>(
  socket: PushSocket,
  feed: FanOut<T>,
  delivery: Delivery,
  capacity: number,
  /** The message's text on the wire. */
  frame: (message: Numbered<T>) => string,
): void {
  let scheduled = false;
  const send = () => {
    scheduled = false;
    while (socket.readyState === open && socket.bufferedAmount < highWater) {
      const next = subscriber.take();
      if (next === undefined) return;
      socket.send(frame(next), (error) => {
        if (error === undefined || error === null) schedule();
      });
    }
  };
  const schedule = () => {
    if (scheduled || subscriber.closed) return;
    scheduled = true;
    queueMicrotask(send);
  };
  const subscriber = feed.subscribe({
    delivery,
    capacity,
    ready: schedule,
    overflow: () =>
      socket.close(1008, `more than ${capacity} messages behind; reconnect to start afresh`),
  });
  socket.once("close", () => subscriber.close());
}
