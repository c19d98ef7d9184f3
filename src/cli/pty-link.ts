import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./usage-error.js";

/** Two joined pseudo-terminals: an emulator opens one end, a driver (or a person) the other. */
export interface PtyLink {
  /** Where the emulator listens. */
  readonly device: string;
  /** What to give a config's `transport.path`. */
  readonly client: string;
  close(): void;
}

/** Starts `socat` joining two ptys linked at `client` (default: a fresh temp path). */
export async function ptyLink(client?: string): Promise<PtyLink> {
  const dir = await mkdtemp(join(tmpdir(), "hil-emulate-"));
  const device = join(dir, "device");
  const clientPath = client ?? join(dir, "port");
  const socat = spawn("socat", [
    `pty,raw,echo=0,link=${device}`,
    `pty,raw,echo=0,link=${clientPath}`,
  ]);
  await new Promise<void>((resolve, reject) => {
    socat.on("error", () => reject(new UsageError("--pty needs socat (apt-get install socat)")));
    socat.on("exit", (code) => reject(new UsageError(`socat ended at once (exit ${code})`)));
    const poll = setInterval(() => {
      if (existsSync(device) && existsSync(clientPath)) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
  return { device, client: clientPath, close: () => void socat.kill() };
}
