// A README line run as a reader runs it: through bash, in the checkout, with `hil` on the PATH.
import { spawn } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildOutput } from "./child-output.js";

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
  const done = new Promise<number | null>((resolve) => child.on("close", resolve));
  const output = new ChildOutput(child, done, line);
  return {
    output: () => output.text(),
    waitFor: (text) => output.waitFor(text),
    done,
    kill: () => child.kill("SIGTERM"),
  };
}
