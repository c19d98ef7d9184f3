// A real pair of serial ports for tests: socat joins two ptys and links them at fixed paths,
// so a test can kill socat (both ports vanish, as an unplugged adapter does) and bring the
// same paths back. Tests that use it: `describe.skipIf(!socat().available)`.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { socat } from "./peers.js";

export interface PtyPair {
  /** Path of one end (a symlink to /dev/pts/N); bytes written here come out of `b`. */
  readonly a: string;
  readonly b: string;
  /** Stops socat and removes the paths for good. */
  kill(): Promise<void>;
  /** Stops socat: both ends disappear and open ports on them drop. */
  vanish(): Promise<void>;
  /** Starts socat again with the same link paths. */
  restart(): Promise<void>;
}

/** How long socat may take to set up both ptys before the test fails with its stderr. */
const START_TIMEOUT_MS = 5_000;

export async function ptyPair(): Promise<PtyPair> {
  if (!socat().available) throw new Error("ptyPair needs socat (apt-get install socat)");
  const dir = await mkdtemp(join(tmpdir(), "hil-pty-"));
  const a = join(dir, "a");
  const b = join(dir, "b");
  let child: ChildProcess | undefined = await start(a, b);

  const vanish = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await stop(running);
    // socat removes its links on SIGTERM; make sure, so restart() can create them again.
    await Promise.all([rm(a, { force: true }), rm(b, { force: true })]);
  };
  return {
    a,
    b,
    vanish,
    async restart() {
      if (child) throw new Error("ptyPair.restart(): socat is still running");
      child = await start(a, b);
    },
    async kill() {
      await vanish();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns socat and resolves once both ptys are linked and the transfer loop runs. */
function start(a: string, b: string): Promise<ChildProcess> {
  const child = spawn(
    "socat",
    ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let stderr = "";
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`socat ${why}:\n${stderr}`));
    };
    const timer = setTimeout(
      () => fail(`did not start within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    child.once("error", (error) => fail(`failed: ${error.message}`));
    child.once("exit", (code, signal) => fail(`exited early (${code ?? signal})`));
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (text: string) => {
      stderr += text;
      // socat logs this (with -d -d) after both addresses are open and linked.
      if (!stderr.includes("starting data transfer loop")) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stderr!.removeAllListeners("data");
      child.stderr!.resume(); // keep draining, so socat never blocks on a full pipe
      if (!existsSync(a) || !existsSync(b)) {
        fail(`reported start but the links ${a}, ${b} are missing`);
        return;
      }
      resolve(child);
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
