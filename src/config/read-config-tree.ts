import { dirname, resolve } from "node:path";
import { didYouMean } from "./close-names.js";
import { fileSchema } from "./device-schema.js";
import { type Environment, substituteEnvInDocument } from "./env-substitution.js";
import { describeValue } from "./issue-messages.js";
import type { ProblemList } from "./problem-list.js";
import { SourceFile } from "./source-file.js";
import { identifierSchema } from "./value-schemas.js";

/** A device entry as written, before it is checked, with the file it came from. */
export interface RawDevice {
  readonly name: string;
  readonly entry: unknown;
  readonly source: SourceFile;
}

/** A file and everything it includes, merged. */
export interface ConfigTree {
  readonly files: readonly SourceFile[];
  readonly metadata: Record<string, unknown>;
  readonly devices: ReadonlyMap<string, RawDevice>;
}

interface Layer {
  metadata: Record<string, unknown>;
  devices: Map<string, RawDevice>;
}

export interface ReadTreeOptions {
  env: Environment;
  problems: ProblemList;
  /** How problems name a file, from its absolute path. */
  show: (absolute: string) => string;
}

/**
 * Reads a config file and its includes (relative to the including file, merged in order,
 * the including file last), substituting the environment. Problems go to the list; what
 * could be read is returned.
 */
export async function readConfigTree(
  absolute: string,
  options: ReadTreeOptions,
): Promise<ConfigTree> {
  const reader = new TreeReader(options);
  let layer: Layer = emptyLayer();
  try {
    layer = await reader.read(absolute, []);
  } catch (error) {
    options.problems.addFileProblem(options.show(absolute), `cannot read: ${readFailure(error)}`);
  }
  return { files: reader.files, ...layer };
}

class TreeReader {
  readonly files: SourceFile[] = [];
  /** A file included twice (a diamond) is read once and its devices are the same objects. */
  private readonly cache = new Map<string, Promise<Layer>>();

  constructor(private readonly options: ReadTreeOptions) {}

  read(absolute: string, stack: readonly string[]): Promise<Layer> {
    let layer = this.cache.get(absolute);
    if (!layer) {
      layer = this.load(absolute, stack);
      this.cache.set(absolute, layer);
    }
    return layer;
  }

  private async load(absolute: string, stack: readonly string[]): Promise<Layer> {
    const { env, problems, show } = this.options;
    const source = await SourceFile.read(absolute, show(absolute));
    this.files.push(source);
    problems.noteFile(source.file);
    const syntax = source.syntaxErrors();
    for (const { position, message } of syntax) problems.add(source, [], message, position);
    if (syntax.length > 0) return emptyLayer(); // a broken file's data would only mislead
    substituteEnvInDocument(source, env, problems);
    let data: unknown;
    try {
      data = source.doc.toJS() ?? {};
    } catch (error) {
      problems.add(source, [], error instanceof Error ? error.message : String(error));
      return emptyLayer();
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      problems.add(
        source,
        [],
        `expected a mapping of include, metadata and devices, got ${describeValue(data)}`,
      );
      return emptyLayer();
    }
    const file = this.sections(source, data as Record<string, unknown>);
    const merged = emptyLayer();
    for (const [index, include] of (file.include ?? []).entries()) {
      const included = await this.include(source, index, include, [...stack, absolute]);
      if (included) this.merge(merged, included);
    }
    this.merge(merged, {
      metadata: file.metadata ?? {},
      devices: this.devicesOf(source, file.devices ?? {}),
    });
    return merged;
  }

  /** Checks each top-level section on its own, so one bad section does not hide the others. */
  private sections(source: SourceFile, data: Record<string, unknown>) {
    const { problems } = this.options;
    const { shape } = fileSchema;
    for (const key of Object.keys(data)) {
      if (key in shape) continue;
      problems.add(
        source,
        [key],
        `unknown key "${key}"${didYouMean(key, Object.keys(shape), " (expected include, metadata or devices)")}`,
        "key",
      );
    }
    const section = <S extends (typeof shape)[keyof typeof shape]>(
      key: keyof typeof shape,
      schema: S,
    ) => {
      const parsed = schema.safeParse(data[key], { reportInput: true });
      if (parsed.success) return parsed.data as S["_output"];
      problems.addIssues(source, [key], parsed.error);
      return undefined;
    };
    return {
      include: section("include", shape.include),
      metadata: section("metadata", shape.metadata),
      devices: section("devices", shape.devices),
    };
  }

  private devicesOf(source: SourceFile, entries: Record<string, unknown>): Map<string, RawDevice> {
    const devices = new Map<string, RawDevice>();
    for (const [name, entry] of Object.entries(entries)) {
      const valid = identifierSchema.safeParse(name);
      if (!valid.success) {
        this.options.problems.add(
          source,
          ["devices", name],
          `device names are identifiers of letters, digits and _, got ${JSON.stringify(name)}`,
          "key",
        );
      }
      devices.set(name, { name, entry, source });
    }
    return devices;
  }

  private async include(
    source: SourceFile,
    index: number,
    include: string,
    stack: readonly string[],
  ): Promise<Layer | undefined> {
    const { problems, show } = this.options;
    const absolute = resolve(dirname(source.absolute), include);
    if (stack.includes(absolute)) {
      const cycle = [...stack.slice(stack.indexOf(absolute)), absolute].map(show).join(" → ");
      problems.add(source, ["include", index], `include cycle: ${cycle}`);
      return undefined;
    }
    try {
      return await this.read(absolute, stack);
    } catch (error) {
      problems.add(
        source,
        ["include", index],
        `cannot read ${show(absolute)}: ${readFailure(error)}`,
      );
      return undefined;
    }
  }

  /** Later layers win; a device defined twice is an error unless the later one says override. */
  private merge(target: Layer, layer: Layer): void {
    Object.assign(target.metadata, layer.metadata);
    for (const device of layer.devices.values()) {
      const earlier = target.devices.get(device.name);
      if (earlier && earlier !== device && !isOverride(device.entry)) {
        const { line, col } = earlier.source.locate(["devices", device.name], "key");
        this.options.problems.add(
          device.source,
          ["devices", device.name],
          `"${device.name}" is already defined at ${earlier.source.file}:${line}:${col} (add "override: true" to replace it)`,
          "key",
        );
      }
      target.devices.set(device.name, device);
    }
  }
}

function emptyLayer(): Layer {
  return { metadata: {}, devices: new Map() };
}

function isOverride(entry: unknown): boolean {
  return (
    typeof entry === "object" &&
    entry !== null &&
    (entry as { override?: unknown }).override === true
  );
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
