// What a child process has printed, and waits for a text in it: the one watcher of the
// helpers that start hil (test/cli/run-hil.ts, test/support/hil-serve.ts).
import type { ChildProcess } from "node:child_process";

export class ChildOutput {
  stdout = "";
  stderr = "";
  private waiters: Array<{ text: string | RegExp; resolve: () => void }> = [];

  /** Collects the child's stdout and stderr (where piped); `onStdout` sees each chunk too. */
  constructor(
    child: ChildProcess,
    private readonly ended: Promise<unknown>,
    private readonly name: string,
    onStdout?: (text: string) => void,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      this.stdout += text;
      onStdout?.(text);
      this.check();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.check();
    });
  }

  /** Stdout, then stderr. */
  text(): string {
    return this.stdout + this.stderr;
  }

  /** Resolves once stdout or stderr shows `text` (or a match); rejects if the child ends first. */
  waitFor(text: string | RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ text, resolve });
      this.check();
      void this.ended.then(() =>
        reject(new Error(`${this.name} ended before showing "${String(text)}":\n${this.text()}`)),
      );
    });
  }

  private shows(text: string | RegExp): boolean {
    return typeof text === "string"
      ? this.stdout.includes(text) || this.stderr.includes(text)
      : text.test(this.stdout) || text.test(this.stderr);
  }

  private check(): void {
    for (const waiter of this.waiters.splice(0)) {
      if (this.shows(waiter.text)) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
}
