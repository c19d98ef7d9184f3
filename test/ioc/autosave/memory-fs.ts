// An AutosaveFs over a map, recording each call, with a hook to fail any operation.
import type { AutosaveFs } from "../../../src/ioc/autosave/index.js";

export type FsCall = readonly ["write" | "rename" | "remove" | "read", ...string[]];

export class MemoryFs implements AutosaveFs {
  readonly files = new Map<string, string>();
  readonly calls: FsCall[] = [];
  /** Throws for a call it returns an error for, before the call changes anything. */
  failWhen: (call: FsCall) => Error | undefined = () => undefined;

  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) this.files.set(path, text);
  }

  private record(call: FsCall): void {
    this.calls.push(call);
    const error = this.failWhen(call);
    if (error) throw error;
  }

  async readFile(path: string): Promise<string | undefined> {
    this.record(["read", path]);
    return this.files.get(path);
  }

  async writeFile(path: string, text: string): Promise<void> {
    this.record(["write", path]);
    this.files.set(path, text);
  }

  async rename(from: string, to: string): Promise<void> {
    this.record(["rename", from, to]);
    const text = this.files.get(from);
    if (text === undefined) throw new Error(`ENOENT: ${from}`);
    this.files.set(to, text);
    this.files.delete(from);
  }

  async remove(path: string): Promise<void> {
    this.record(["remove", path]);
    this.files.delete(path);
  }

  /** The writes of whole save files, by path. */
  writesTo(path: string): number {
    return this.calls.filter((c) => c[0] === "rename" && c[2] === path).length;
  }
}
