/**
 * PUT /scan/{id}/patch: the `<patch>` body and the property change it asks for. Property
 * ids are the server's (device_name, desired_value, step_size, ...), not XML tags, and a
 * value is converted to the property's type as the server does: a text to a double or a
 * boolean, a comparison by its label (`>=`), anything else refused.
 */
import { findPatchTarget, lastAddress } from "./addresses.ts";
import {
  COMMAND_CLASS_NAMES,
  COMPARISONS,
  COMPARISON_LABELS,
  hasBody,
  type Comparison,
  type ScanCommand,
  type ScanCommandType,
} from "./commands.ts";
import { ScanPatchError, ScanXmlError } from "./errors.ts";
import {
  parseJavaBoolean,
  parseJavaDouble,
  parseJavaLong,
  parseStringOrDouble,
} from "./java-text.ts";
import type { ScanValue } from "./java-text.ts";
import { childElement, elementText, parseXmlDocument } from "./xml-dom.ts";

export interface ScanPatch {
  readonly address: number;
  readonly property: string;
  readonly value: ScanValue;
}

/** Reads `<patch><address>N</address><property>P</property><value>V</value></patch>`. */
export function parsePatchXml(xml: string): ScanPatch {
  const root = parseXmlDocument(xml);
  if (root.name !== "patch") {
    throw new ScanXmlError(`Wrong document type. Expected <patch> but found <${root.name}>`, {
      line: root.line,
      element: root.name,
    });
  }
  const addressElement = childElement(root, "address");
  let address = -1;
  if (addressElement) {
    const parsed = parseJavaLong(elementText(addressElement));
    if (parsed === undefined) {
      throw new ScanXmlError("Expected long for <address>", {
        line: addressElement.line,
        element: "patch",
      });
    }
    address = parsed;
  }
  const propertyElement = childElement(root, "property");
  const property = propertyElement ? elementText(propertyElement) : "";
  if (property === "") {
    throw new ScanXmlError("Missing <property> for patch", { line: root.line, element: "patch" });
  }
  const valueElement = childElement(root, "value");
  const value = parseStringOrDouble(valueElement ? elementText(valueElement) : "0");
  return { address, property, value };
}

/** Where the scan is: the address running or about to run; later ones have not run. */
export interface PatchProgress {
  readonly nextAddress: number;
}

export type PatchResult =
  | { readonly applied: true; readonly commands: readonly ScanCommand[] }
  | { readonly applied: false; readonly reason: string };

/**
 * Applies a patch and returns the new tree. Throws ScanPatchError for an address that
 * names no command (`Invalid command address N`) or a property or value the command
 * cannot take (`Cannot update P of SetCommand`). With `progress`, a command that has
 * already run and will not run again is refused (the tree is not changed): those are the
 * commands before `nextAddress` except a loop still running and commands in its body.
 */
export function applyPatch(
  commands: readonly ScanCommand[],
  patch: ScanPatch,
  progress?: PatchProgress,
): PatchResult {
  const target = findPatchTarget(commands, patch.address);
  if (!target) throw new ScanPatchError(`Invalid command address ${patch.address}`);
  const updated = setProperty(target.command, patch.property, patch.value);
  if (progress && patch.address < progress.nextAddress) {
    const contains = (command: ScanCommand): boolean =>
      progress.nextAddress <= lastAddress(command) && command.address <= progress.nextAddress;
    const running = [...target.loops, target.command].some(
      (command) => command.type === "loop" && contains(command),
    );
    if (!running) {
      return {
        applied: false,
        reason:
          `Command at address ${patch.address} has already run ` +
          `(next address ${progress.nextAddress})`,
      };
    }
  }
  return { applied: true, commands: replaceAt(commands, patch.address, updated) };
}

function replaceAt(
  commands: readonly ScanCommand[],
  address: number,
  replacement: ScanCommand,
): readonly ScanCommand[] {
  return commands.map((command) => {
    if (command.address === address) return replacement;
    if (hasBody(command) && address > command.address && address <= lastAddress(command)) {
      return { ...command, body: replaceAt(command.body, address, replacement) };
    }
    return command;
  });
}

type Kind = "double" | "boolean" | "string" | "object" | "comparison" | "strings";
type Converted = number | boolean | string | Comparison;

/** Each command's patchable properties, their kind and the field they set. */
const PROPERTIES: Readonly<Record<ScanCommandType, Readonly<Record<string, Kind>>>> = {
  comment: { comment: "string" },
  set: {
    device_name: "string",
    value: "object",
    completion: "boolean",
    wait: "boolean",
    readback: "string",
    readback_value: "object",
    tolerance: "double",
    timeout: "double",
    error_handler: "string",
  },
  wait: {
    device_name: "string",
    comparison: "comparison",
    desired_value: "object",
    tolerance: "double",
    timeout: "double",
    error_handler: "string",
  },
  if: {
    device_name: "string",
    comparison: "comparison",
    desired_value: "object",
    tolerance: "double",
    error_handler: "string",
  },
  loop: {
    device_name: "string",
    start: "double",
    end: "double",
    step_size: "double",
    completion: "boolean",
    wait: "boolean",
    readback: "string",
    tolerance: "double",
    timeout: "double",
    error_handler: "string",
  },
  delay: { seconds: "double", error_handler: "string" },
  log: { device_names: "strings", error_handler: "string" },
  config_log: { automatic: "boolean", error_handler: "string" },
  include: { scan_file: "string", macros: "string", error_handler: "string" },
  script: { script: "string", arguments: "strings", error_handler: "string" },
  parallel: { timeout: "double", error_handler: "string" },
  sequence: { error_handler: "string" },
};

/** The field each property id sets, where the names differ. */
const FIELDS: Readonly<Record<string, string>> = {
  device_name: "deviceName",
  readback_value: "readbackValue",
  desired_value: "desiredValue",
  step_size: "stepSize",
  error_handler: "errorHandler",
  scan_file: "scanFile",
  comment: "text",
};

function setProperty(command: ScanCommand, property: string, value: ScanValue): ScanCommand {
  const refuse = (): never => {
    throw new ScanPatchError(`Cannot update ${property} of ${COMMAND_CLASS_NAMES[command.type]}`);
  };
  const kind = Object.hasOwn(PROPERTIES[command.type], property)
    ? PROPERTIES[command.type][property]
    : undefined;
  if (kind === undefined) return refuse();
  const converted = convert(kind, value);
  if (converted === undefined) return refuse();
  const field = FIELDS[property] ?? property;
  let next: Record<string, unknown> = { ...command, [field]: converted };
  if (typeof converted === "number" && (property === "tolerance" || property === "timeout")) {
    next[field] = Math.max(0, converted);
  }
  if (property === "step_size" && typeof converted === "number") {
    // The server keeps the step non-zero and resets the tolerance to a tenth of it.
    const step = converted === 0 ? 1 : converted;
    next = { ...next, stepSize: step, tolerance: Math.abs(step / 10) };
  }
  return next as unknown as ScanCommand;
}

function convert(kind: Kind, value: ScanValue): Converted | undefined {
  switch (kind) {
    case "object":
      return value;
    case "string":
      return typeof value === "string" ? value : undefined;
    case "double":
      return typeof value === "number" ? value : parseJavaDouble(value);
    case "boolean":
      return typeof value === "string" ? parseJavaBoolean(value) : undefined;
    case "comparison":
      return typeof value === "string"
        ? COMPARISONS.find((c) => COMPARISON_LABELS[c] === value)
        : undefined;
    case "strings":
      // A patch carries one value, never the list these properties take.
      return undefined;
  }
}
