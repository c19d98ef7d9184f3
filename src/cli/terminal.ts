import type { Status, WatcherUpdate } from "../core/index.js";

/** Where text goes: stdout for the table, stderr for a progress bar that redraws in place. */
export interface TerminalOptions {
  out?: NodeJS.WriteStream;
  err?: NodeJS.WriteStream;
}

/**
 * Prints lines on stdout and keeps a one-line progress bar under them on stderr when it is
 * a terminal: the bar is wiped before each line and drawn again after it.
 */
export class Terminal {
  private readonly out: NodeJS.WriteStream;
  private readonly err: NodeJS.WriteStream;
  private readonly live: boolean;
  private bar = "";
  private update: WatcherUpdate | undefined;
  private unwatch: Array<() => void> = [];
  private point = "";

  constructor({ out = process.stdout, err = process.stderr }: TerminalOptions = {}) {
    this.out = out;
    this.err = err;
    this.live = Boolean(err.isTTY);
  }

  /** Prints a line above the bar. */
  line(text: string): void {
    this.clearBar();
    this.out.write(`${text}\n`);
    this.drawBar();
  }

  /** Prints a note on stderr above the bar. */
  note(text: string): void {
    this.clearBar();
    this.err.write(`${text}\n`);
    this.drawBar();
  }

  /** Shows which point of how many the scan is at, beside the bar. */
  setPoint(done: number, total: number | undefined): void {
    this.point = total ? `point ${done}/${total}` : `point ${done}`;
    this.render();
  }

  /** Follows the statuses a `wait` waits on (the RunEngine's waiting hook). */
  readonly follow = (statuses: readonly Status[] | undefined): void => {
    for (const unwatch of this.unwatch.splice(0)) unwatch();
    this.update = undefined;
    for (const status of statuses ?? []) {
      this.unwatch.push(
        status.watch((update) => {
          // Show the slowest of what is being waited for.
          if (
            !this.update ||
            update.remaining >= this.update.remaining ||
            update.name === this.update.name
          ) {
            this.update = update;
            this.render();
          }
        }),
      );
    }
    this.render();
  };

  /** Removes the bar for good. */
  close(): void {
    for (const unwatch of this.unwatch.splice(0)) unwatch();
    this.clearBar();
    this.bar = "";
  }

  private render(): void {
    if (!this.live) return;
    const width = Math.max(20, Math.min(this.err.columns ?? 80, 120) - 1);
    const parts: string[] = [];
    const u = this.update;
    if (u) {
      const cells = 20;
      const filled = Math.round(u.fraction * cells);
      const digits = u.precision ?? 3;
      const where = `${u.current.toFixed(digits)}${u.units ? ` ${u.units}` : ""}`;
      const left = Number.isFinite(u.remaining) ? `${u.remaining.toFixed(1)} s left` : "";
      parts.push(
        `${u.name} [${"#".repeat(filled)}${"-".repeat(cells - filled)}] ${Math.round(u.fraction * 100)}% at ${where} ${left}`,
      );
    }
    if (this.point) parts.push(this.point);
    this.clearBar();
    this.bar = parts.join("  |  ").slice(0, width);
    this.drawBar();
  }

  private clearBar(): void {
    if (this.live && this.bar) this.err.write("\r\x1b[2K");
  }

  private drawBar(): void {
    if (this.live && this.bar) this.err.write(this.bar);
  }
}
