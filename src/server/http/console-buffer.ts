/** A console line as the httpserver streams it: seconds since the epoch and the text. */
export interface ConsoleLine {
  readonly time: number;
  readonly msg: string;
}

/** The last `capacity` console lines, oldest first. */
export class ConsoleBuffer {
  readonly #capacity: number;
  #lines: ConsoleLine[] = [];

  constructor(capacity = 1000) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.#capacity = capacity;
  }

  push(line: ConsoleLine): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#capacity * 2) {
      this.#lines = this.#lines.slice(-this.#capacity);
    }
  }

  /** The last `count` lines (all kept lines when undefined). */
  last(count?: number): ConsoleLine[] {
    const kept = this.#lines.slice(-this.#capacity);
    if (count === undefined) return kept;
    return count === 0 ? [] : kept.slice(-count);
  }

  /** The last `count` lines as the httpserver's `console_output` text: one line each. */
  text(count?: number): string {
    return this.last(count)
      .map((line) => `${line.msg}\n`)
      .join("");
  }
}
