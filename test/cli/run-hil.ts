// Runs the real `hil` command in a child process, as a person would from a shell.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChildOutput } from "../support/child-output.js";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface HilResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface HilProcess {
  /** Resolves once stdout or stderr has shown `text` (or a match of the pattern). */
  waitFor(text: string | RegExp): Promise<void>;
  /** What it has printed so far, stdout then stderr. */
  output(): string;
  write(text: string): void;
  signal(name: NodeJS.Signals): void;
  done: Promise<HilResult>;
}

export function startHil(args: string[], env: Record<string, string> = {}): HilProcess {
  // bin/hil.js as installed: the bundle while it is newer than the sources, else tsx.
  const child = spawn(process.execPath, [join(root, "bin/hil.js"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  const done = new Promise<HilResult>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout: output.stdout, stderr: output.stderr })),
  );
  const output = new ChildOutput(child, done, "hil");
  return {
    waitFor: (text) => output.waitFor(text),
    output: () => output.text(),
    write: (text) => void child.stdin.write(text),
    signal: (name) => void child.kill(name),
    done,
  };
}

export function hil(args: string[], env: Record<string, string> = {}): Promise<HilResult> {
  const process = startHil(args, env);
  return process.done;
}
