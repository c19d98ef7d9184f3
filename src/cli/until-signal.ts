/** Resolves at Ctrl-C or SIGTERM: how a serving command learns it should stop. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
