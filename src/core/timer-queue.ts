import type { Timer } from "./clock.js";

/**
 * An entry of the queue: due time, insertion order (ties fire first-in first-out) and the
 * callback. It is the Timer its clock hands out, so scheduling makes no closure.
 */
export class QueuedTimer implements Timer {
  readonly due: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled = false;
  private readonly queue: TimerQueue;

  constructor(queue: TimerQueue, due: number, order: number, callback: () => void) {
    this.queue = queue;
    this.due = due;
    this.order = order;
    this.callback = callback;
  }

  cancel(): void {
    this.queue.cancel(this);
  }
}

/** A binary min-heap of timers by (due, order): O(log n) insert and pop for many pending moves. */
export class TimerQueue {
  private readonly heap: QueuedTimer[] = [];
  private nextOrder = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(due: number, callback: () => void): QueuedTimer {
    const timer = new QueuedTimer(this, due, this.nextOrder++, callback);
    this.heap.push(timer);
    this.siftUp(this.heap.length - 1);
    this.live++;
    return timer;
  }

  cancel(timer: QueuedTimer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** The earliest live timer, without removing it. */
  peek(): QueuedTimer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): QueuedTimer | undefined {
    this.dropCancelled();
    const top = this.removeTop();
    if (top) {
      top.cancelled = true;
      this.live--;
    }
    return top;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.removeTop();
  }

  private removeTop(): QueuedTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top !== last && last) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

function earlier(a: QueuedTimer, b: QueuedTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}
