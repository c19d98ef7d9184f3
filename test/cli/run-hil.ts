// Runs the real `hil` command in a child process, as a person would from a shell.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
  let stdout = "";
  let stderr = "";
  const waiters: Array<{ text: string | RegExp; resolve: () => void }> = [];
  const shows = (output: string, text: string | RegExp): boolean =>
    typeof text === "string" ? output.includes(text) : text.test(output);
  const check = (): void => {
    for (const waiter of waiters.splice(0)) {
      if (shows(stdout, waiter.text) || shows(stderr, waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  const done = new Promise<HilResult>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return {
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        waiters.push({ text, resolve });
        check();
        void done.then(() =>
          reject(new Error(`hil ended before showing "${String(text)}":\n${stdout}\n${stderr}`)),
        );
      }),
    output: () => stdout + stderr,
    write: (text) => void child.stdin.write(text),
    signal: (name) => void child.kill(name),
    done,
  };
}

export function hil(args: string[], env: Record<string, string> = {}): Promise<HilResult> {
  const process = startHil(args, env);
  return process.done;
}
