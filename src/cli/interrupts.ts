import { createInterface } from "node:readline/promises";
import type { RunEngine, RunEngineState } from "../engine/index.js";
import type { Terminal } from "./terminal.js";

const choices = ["resume", "stop", "abort", "halt"] as const;
type Choice = (typeof choices)[number];

/**
 * Ctrl-C as bluesky's RunEngine takes it in a terminal: once pauses at the next checkpoint,
 * twice pauses at once; when paused, asks whether to resume, stop, abort or halt. While
 * suspended it pauses at once (waiting for the beam is no reason to be stuck); while a run
 * ends through its cleanup, a second Ctrl-C halts it.
 */
export class InterruptHandler {
  private re: RunEngine | undefined;
  /** A Ctrl-C came while the run was ending: the next one halts. */
  private haltArmed = false;
  private readonly terminal: Terminal;
  private readonly input: NodeJS.ReadableStream;

  constructor(terminal: Terminal, input: NodeJS.ReadableStream = process.stdin) {
    this.terminal = terminal;
    this.input = input;
  }

  /** Takes Ctrl-C for `re` until the returned function is called. */
  install(re: RunEngine): () => void {
    this.re = re;
    process.on("SIGINT", this.onSigint);
    return () => process.off("SIGINT", this.onSigint);
  }

  /** The RunEngine's state hook: asks what to do once paused. */
  readonly onState = (state: RunEngineState): void => {
    if (state === "paused") void this.ask();
    if (state !== "stopping" && state !== "aborting") this.haltArmed = false;
  };

  private readonly onSigint = (): void => {
    const re = this.re;
    if (!re) return;
    switch (re.state) {
      case "running":
        this.terminal.note("Pausing at the next checkpoint. Press Ctrl-C again to pause now.");
        re.requestPause(true);
        return;
      case "pausing":
        this.terminal.note("Pausing now.");
        re.requestPause(false);
        return;
      case "suspending":
        this.terminal.note("Suspended: pausing now.");
        re.requestPause(false);
        return;
      case "stopping":
      case "aborting":
        if (this.haltArmed) {
          this.terminal.note("Halting: the rest of the cleanup is skipped.");
          re.halt("halted by a second Ctrl-C during cleanup");
        } else {
          this.haltArmed = true;
          this.terminal.note("The run is ending through its cleanup. Press Ctrl-C again to halt.");
        }
        return;
      default:
        return;
    }
  };

  private async ask(): Promise<void> {
    const rl = createInterface({ input: this.input, terminal: false });
    // No one left to ask (input closed): abort, which leaves the hardware safe.
    const closed = new Promise<string>((resolve) => rl.once("close", () => resolve("abort")));
    let choice: Choice | undefined;
    while (!choice) {
      this.terminal.note(`Paused. Type ${choices.join(", ")} (or the first letter) and Enter:`);
      const answer = await Promise.race([rl.question(""), closed]);
      choice = choices.find((c) => c === answer.trim().toLowerCase() || c[0] === answer.trim());
    }
    rl.close();
    this.terminal.note(`${choice}…`);
    const re = this.re!;
    if (choice === "resume") re.resume();
    else if (choice === "stop") re.stop();
    else if (choice === "abort") re.abort("aborted at the pause prompt");
    else re.halt("halted at the pause prompt");
  }
}
