import { readFile } from "node:fs/promises";
import type { Document, Node, Pair } from "yaml";
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";

export type PathSegment = string | number;

export interface Position {
  line: number;
  col: number;
}

/** "devices.m1.transport.baud". */
export function dottedPath(path: readonly PathSegment[]): string {
  return path.join(".");
}

/** A YAML error's first line without the position the problem line already shows. */
function shortMessage(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, "");
}

/**
 * One parsed config file. The document keeps every node's source range and the line
 * counter turns ranges into lines and columns, so any path into the data can be located.
 */
export class SourceFile {
  readonly file: string;
  readonly absolute: string;
  readonly doc: Document;
  private readonly lines: LineCounter;

  private constructor(file: string, absolute: string, text: string) {
    this.file = file;
    this.absolute = absolute;
    this.lines = new LineCounter();
    // merge: YAML 1.1 `<<: *anchor` keys, handy for devices sharing settings.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, merge: true });
  }

  /** Reads and parses `absolute`; `file` is how problems will name it. Throws fs errors. */
  static async read(absolute: string, file: string): Promise<SourceFile> {
    return new SourceFile(file, absolute, await readFile(absolute, "utf8"));
  }

  static fromText(text: string, absolute: string, file: string): SourceFile {
    return new SourceFile(file, absolute, text);
  }

  /** YAML syntax errors, and aliases to no anchor, with their positions. */
  syntaxErrors(): Array<{ position: Position; message: string }> {
    const errors = this.doc.errors.map((error) => ({
      position: this.lines.linePos(error.pos[0]),
      message: shortMessage(error.message),
    }));
    // yaml reports these only when converting, without a position.
    visit(this.doc, {
      Alias: (_key, alias) => {
        if (alias.resolve(this.doc)) return;
        errors.push({
          position: this.positionOf(alias),
          message: `alias *${alias.source} has no anchor &${alias.source} before it`,
        });
      },
    });
    return errors.sort(
      (a, b) => a.position.line - b.position.line || a.position.col - b.position.col,
    );
  }

  /**
   * Where the value at `path` starts, or its key with `at: "key"`. A missing value is
   * placed at the key of its nearest parent that exists (or the parent itself).
   */
  locate(path: readonly PathSegment[], at: "value" | "key" = "value"): Position {
    let node: unknown = this.doc.contents;
    let key: Node | undefined;
    for (const segment of path) {
      node = this.resolve(node);
      const child = childOf(node, segment);
      // Missing: point at the parent's key (`peak:`), which is where the value belongs.
      if (!child) return key ? this.positionOf(key) : this.placeOf(undefined, node);
      ({ key, node } = child);
    }
    if (at === "key" && key) return this.positionOf(key);
    return this.placeOf(key, this.resolve(node));
  }

  /** The first scalar under `path` whose value is `value`, depth first. */
  findScalar(path: readonly PathSegment[], value: string): PathSegment[] | undefined {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      const child = childOf(this.resolve(node), segment);
      if (!child) return undefined;
      node = child.node;
    }
    const search = (current: unknown, at: PathSegment[]): PathSegment[] | undefined => {
      current = this.resolve(current);
      if (isScalar(current)) return current.value === value ? at : undefined;
      if (isMap(current)) {
        for (const pair of current.items) {
          const found = search(pair.value, [...at, keyText(pair)]);
          if (found) return found;
        }
      } else if (isSeq(current)) {
        for (const [index, item] of current.items.entries()) {
          const found = search(item, [...at, index]);
          if (found) return found;
        }
      }
      return undefined;
    };
    return search(node, [...path]);
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** A node's own position, unless it is empty (`baud:` with nothing after it): then its key's. */
  private placeOf(key: Node | undefined, node: unknown): Position {
    const empty = !node || (isScalar(node) && node.value === null && !node.source);
    if (empty || !hasRange(node)) return key ? this.positionOf(key) : { line: 1, col: 1 };
    return this.positionOf(node);
  }

  private positionOf(node: Node): Position {
    return node.range ? this.lines.linePos(node.range[0]) : { line: 1, col: 1 };
  }
}

function hasRange(node: unknown): node is Node {
  return typeof node === "object" && node !== null && "range" in node && Array.isArray(node.range);
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function childOf(node: unknown, segment: PathSegment): { key?: Node; node: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => keyText(item) === String(segment));
    if (!pair) return undefined;
    return { key: isScalar(pair.key) ? pair.key : undefined, node: pair.value };
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return item === undefined ? undefined : { node: item };
  }
  return undefined;
}

/** The path of `node` from the ancestors a yaml `visit` callback receives. */
export function pathOf(ancestors: readonly unknown[], node: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  for (const [index, parent] of ancestors.entries()) {
    const child = ancestors[index + 1] ?? node;
    if (isMap(parent) && isPair(child)) path.push(keyText(child));
    else if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
  }
  return path;
}
