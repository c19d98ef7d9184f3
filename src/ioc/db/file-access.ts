/** How the loaders read files: injected, so parsing stays free of I/O and tests use maps. */
export interface FileAccess {
  /** The file's text, or undefined when there is no such file. */
  read(path: string): string | undefined;
}
