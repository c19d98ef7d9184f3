let counter = 0;

/**
 * A group name unique in this process, e.g. `set-12`. A counter, not a random uuid, so
 * the same plan gives the same messages and tests can compare them run after run.
 */
export function shortUid(label: string): string {
  counter += 1;
  return `${label}-${counter}`;
}
