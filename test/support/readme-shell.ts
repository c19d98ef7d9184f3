// A README line run as a reader runs it: through bash, in the checkout, with `hil` on the PATH.
import { spawn } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

export interface ShellLine {
  output: () => string;
  /** Resolves once the line's output shows `text`; rejects if it ends first. */
  waitFor: (text: string) => Promise<void>;
  /** The exit code. */
  done: Promise<number | null>;
  kill: () => void;
}

/** A folder holding a `hil` that runs bin/hil.js, to put first on the PATH. */
export function hilOnPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "hil-path-"));
  symlinkSync(join(root, "bin/hil.js"), join(dir, "hil"));
  return dir;
}

/** Runs `line` in the checkout, or in `cwd`. */
export function shellLine(
  line: string,
  env: Record<string, string> = {},
  cwd: string = root,
): ShellLine {
  const child = spawn("bash", ["-c", `exec ${line}`], {
    cwd,
    env: { ...process.env, ...env },
  });
  let output = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const seen = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.splice(0)) {
      if (output.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  child.stdout.on("data", seen);
  child.stderr.on("data", seen);
  const done = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    output: () => output,
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        if (output.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void done.then(() => reject(new Error(`ended before "${text}":\n${output}`)));
      }),
    done,
    kill: () => child.kill("SIGTERM"),
  };
}
