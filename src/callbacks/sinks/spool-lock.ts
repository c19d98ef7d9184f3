import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { HilError } from "../../core/index.js";

/** Locks this process holds, to tell its own from a dead one's that had the same pid. */
const held = new Set<string>();

/**
 * One process at a time owns a spool: its lock file holds `pid start-time`. A lock whose
 * process is gone, or whose pid now belongs to a later process (a container restarted with
 * the same pid), is stale and taken over.
 */
export class SpoolLock {
  private constructor(readonly path: string) {}

  /** Takes the lock, or throws naming the live process holding it. */
  static take(path: string): SpoolLock {
    for (;;) {
      try {
        writeFileSync(path, `${process.pid} ${startTime(process.pid) ?? ""}\n`, { flag: "wx" });
        held.add(path);
        return new SpoolLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const [pidText = "", start = ""] = readFileSync(path, "utf8").trim().split(" ");
      const pid = Number.parseInt(pidText, 10);
      if (Number.isInteger(pid) && pid > 0 && holds(path, pid, start)) {
        const self = pid === process.pid ? " (this one)" : "";
        throw new HilError(
          "HIL_SPOOL_IN_USE",
          `${path}: this spool is in use by process ${pid}${self}`,
        );
      }
      rmSync(path, { force: true });
    }
  }

  release(): void {
    held.delete(this.path);
    rmSync(this.path, { force: true });
  }
}

function holds(path: string, pid: number, start: string): boolean {
  if (pid === process.pid) return held.has(path);
  if (!processAlive(pid)) return false;
  const now = startTime(pid);
  return start === "" || now === undefined || now === start;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process's start time in clock ticks since boot (Linux), or undefined elsewhere. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may hold spaces but ends at the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
