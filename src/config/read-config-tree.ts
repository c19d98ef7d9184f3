// Reading a config: the main file and its includes, merged, with `${VAR}` substituted from
// the environment. Problems go to a ProblemList; checking the devices is load-config.ts's.
import { dirname, resolve } from "node:path";
import { isScalar, visit } from "yaml";
import { type ProblemList, describeValue, didYouMean } from "./config-error.js";
import type { z } from "zod";
import { fileSchema, type iocSectionSchema, type socketsSectionSchema } from "./config-schema.js";
import { SourceFile, pathOf } from "./source-file.js";
import { identifierSchema } from "./value-schemas.js";

export type Environment = Readonly<Record<string, string | undefined>>;

/** A device entry as written, before it is checked, with the file it came from. */
export interface RawDevice {
  readonly name: string;
  readonly entry: unknown;
  readonly source: SourceFile;
}

/** The `ioc:` section as written, with the file it came from (for locating its problems). */
export interface RawIocSection {
  readonly section: z.infer<typeof iocSectionSchema>;
  readonly source: SourceFile;
}

/** The `sockets:` section as written, with the file it came from. */
export interface RawSocketsSection {
  readonly section: z.infer<typeof socketsSectionSchema>;
  readonly source: SourceFile;
}

/** A file and everything it includes, merged. */
export interface ConfigTree {
  readonly files: readonly SourceFile[];
  readonly metadata: Record<string, unknown>;
  readonly devices: ReadonlyMap<string, RawDevice>;
  /** The last file's that has one: the including file's wins. */
  readonly ioc?: RawIocSection;
  /** Like ioc: the last file's that has one. */
  readonly sockets?: RawSocketsSection;
}

interface Layer {
  metadata: Record<string, unknown>;
  devices: Map<string, RawDevice>;
  ioc?: RawIocSection;
  sockets?: RawSocketsSection;
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
        `expected a mapping of include, metadata, devices, ioc and sockets, got ${describeValue(data)}`,
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
      ioc: file.ioc ? { section: file.ioc, source } : undefined,
      sockets: file.sockets ? { section: file.sockets, source } : undefined,
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
        `unknown key "${key}"${didYouMean(key, Object.keys(shape), " (expected include, metadata, devices, ioc or sockets)")}`,
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
      ioc: section("ioc", shape.ioc),
      sockets: section("sockets", shape.sockets),
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
    if (layer.ioc) target.ioc = layer.ioc;
    if (layer.sockets) target.sockets = layer.sockets;
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

/**
 * Replaces `${NAME}` and `${NAME:-default}` in `text` (the default applies when NAME is
 * unset or empty, as in a shell); `$${` writes a literal `${`. Returns the text and the
 * problems found, e.g. a variable that is unset and has no default.
 */
export function substituteEnv(text: string, env: Environment): { text: string; errors: string[] } {
  const errors: string[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf("$", i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, at);
    if (text.startsWith("$${", at)) {
      out += "${";
      i = at + 3;
      continue;
    }
    if (!text.startsWith("${", at)) {
      out += "$";
      i = at + 1;
      continue;
    }
    const end = text.indexOf("}", at + 2);
    if (end < 0) {
      errors.push(`unterminated "\${" (write "$\${" for a literal "\${")`);
      out += text.slice(at);
      break;
    }
    const reference = text.slice(at + 2, end);
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/.exec(reference);
    i = end + 1;
    if (!match) {
      errors.push(
        `bad variable reference "\${${reference}}": expected \${NAME} or \${NAME:-default}`,
      );
      continue;
    }
    const [, name, fallback] = match;
    const value = env[name!];
    if (value !== undefined && (value !== "" || fallback === undefined)) out += value;
    else if (fallback !== undefined) out += fallback;
    else errors.push(`environment variable ${name} is not set and has no default`);
  }
  return { text: out, errors };
}

/**
 * Substitutes the environment into every string value of a parsed file, in place and
 * before validation. Keys are left alone. Results stay strings: numeric fields accept
 * numeric strings (configNumber), text fields keep text such as "0012" intact.
 */
function substituteEnvInDocument(
  source: SourceFile,
  env: Environment,
  problems: ProblemList,
): void {
  visit(source.doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
      const { text, errors } = substituteEnv(node.value, env);
      if (errors.length > 0) {
        problems.add(source, pathOf(ancestors, node), errors.join("; "));
      } else if (isScalar(node)) node.value = text;
    },
  });
}
