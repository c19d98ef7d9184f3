/**
 * Reads a submitted `<commands>` document into the command tree with the server's
 * defaults for absent elements (which differ from the Python client's). Addresses stay
 * -1; the server assigns them at submit (see assignAddresses).
 */
import {
  COMMAND_TYPES,
  isComparison,
  scriptRefusal,
  type Comparison,
  type ScanCommand,
  type ScanCommandType,
} from "./commands.ts";
import { ScanXmlError } from "./errors.ts";
import { parseJavaBoolean, parseJavaDouble, parseStringOrDouble } from "./java-text.ts";
import type { ScanValue } from "./java-text.ts";
import {
  childElement,
  childElements,
  elementText,
  parseXmlDocument,
  type XmlElement,
} from "./xml-dom.ts";

/** Parses the text of a `<commands>` document. */
export function parseCommandsXml(xml: string): readonly ScanCommand[] {
  const root = parseXmlDocument(xml);
  if (root.name !== "commands") {
    throw new ScanXmlError("Wrong document type", { line: root.line, element: root.name });
  }
  return readCommands(root);
}

function readCommands(parent: XmlElement): ScanCommand[] {
  return parent.children
    .filter((node): node is XmlElement => node.kind === "element")
    .map(readCommand);
}

function isCommandType(name: string): name is ScanCommandType {
  return (COMMAND_TYPES as readonly string[]).includes(name);
}

/** Reads one command element; its name selects the command. */
export function readCommand(element: XmlElement): ScanCommand {
  const name = element.name;
  if (!isCommandType(name)) {
    throw new ScanXmlError(`Unknown scan command ID ${name}`, {
      line: element.line,
      element: name,
    });
  }
  const r = new Reader(element);
  const address = -1;
  switch (name) {
    case "comment":
      return { type: "comment", address, text: r.string("text", "") };
    case "set": {
      const deviceName = r.string("device", "");
      return {
        type: "set",
        address,
        deviceName,
        value: r.value("value", "0"),
        completion: r.boolean("completion", false),
        wait: r.boolean("wait", true),
        readback: r.string("readback", deviceName),
        readbackValue: r.value("readback_value", '""'),
        tolerance: Math.max(0, r.double("tolerance", 0.1)),
        timeout: Math.max(0, r.double("timeout", 0)),
        errorHandler: r.errorHandler(),
      };
    }
    case "wait": {
      const deviceName = r.string("device", "");
      const comparison = r.comparison();
      // IN / NOT_IN keep the list text as is, quotes included.
      const desiredValue =
        comparison === "IN" || comparison === "NOT_IN"
          ? r.string("value", "0")
          : r.value("value", "0");
      return {
        type: "wait",
        address,
        deviceName,
        comparison,
        desiredValue,
        tolerance: Math.max(0, r.double("tolerance", 0.1)),
        timeout: Math.max(0, r.double("timeout", 0)),
        errorHandler: r.errorHandler(),
      };
    }
    case "loop": {
      // The body first, as the server reads it, so its errors come first.
      const body = r.body();
      const step = r.double("step", 1);
      return {
        type: "loop",
        address,
        deviceName: r.string("device", ""),
        start: r.double("start", 0),
        end: r.double("end", 10),
        stepSize: step === 0 ? 1 : step,
        completion: r.boolean("completion", false),
        wait: r.boolean("wait", true),
        readback: r.string("readback", ""),
        tolerance: Math.max(0, r.double("tolerance", 0.1)),
        timeout: Math.max(0, r.double("timeout", 0)),
        body,
        errorHandler: r.errorHandler(),
      };
    }
    case "delay":
      return {
        type: "delay",
        address,
        seconds: r.double("seconds", 0),
        errorHandler: r.errorHandler(),
      };
    case "log":
      return { type: "log", address, deviceNames: r.logDevices(), errorHandler: r.errorHandler() };
    case "config_log":
      return {
        type: "config_log",
        address,
        automatic: r.boolean("automatic", false),
        errorHandler: r.errorHandler(),
      };
    case "include":
      return {
        type: "include",
        address,
        scanFile: r.string("scan_file", ""),
        macros: r.string("macros", ""),
        errorHandler: r.errorHandler(),
      };
    case "if": {
      const body = r.body();
      return {
        type: "if",
        address,
        deviceName: r.string("device", ""),
        desiredValue: r.value("value", "0"),
        comparison: r.comparison(),
        tolerance: Math.max(0, r.double("tolerance", 0.1)),
        body,
        errorHandler: r.errorHandler(),
      };
    }
    case "parallel": {
      const body = r.body();
      return {
        type: "parallel",
        address,
        timeout: Math.max(0, r.double("timeout", 0)),
        body,
        errorHandler: r.errorHandler(),
      };
    }
    case "sequence":
      return { type: "sequence", address, body: r.body(), errorHandler: r.errorHandler() };
    case "script": {
      const script = r.string("path", "");
      return {
        type: "script",
        address,
        script,
        arguments: r.scriptArguments(),
        errorHandler: r.errorHandler(),
        refused: scriptRefusal(script),
      };
    }
  }
}

/** Typed access to the child elements of one command, with the server's conversions. */
class Reader {
  constructor(private readonly element: XmlElement) {}

  private child(name: string): XmlElement | undefined {
    return childElement(this.element, name);
  }

  string(name: string, fallback: string): string {
    const child = this.child(name);
    return child ? elementText(child) : fallback;
  }

  double(name: string, fallback: number): number {
    const child = this.child(name);
    if (!child) return fallback;
    const value = parseJavaDouble(elementText(child));
    if (value === undefined) {
      throw new ScanXmlError(`Expected double for <${name}>`, {
        line: child.line,
        element: this.element.name,
      });
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const child = this.child(name);
    return child ? parseJavaBoolean(elementText(child)) : fallback;
  }

  value(name: string, fallback: string): ScanValue {
    return parseStringOrDouble(this.string(name, fallback));
  }

  /** A comparison by enum name; absent or unknown names read as EQUALS. */
  comparison(): Comparison {
    const text = this.string("comparison", "EQUALS");
    return isComparison(text) ? text : "EQUALS";
  }

  errorHandler(): string {
    return this.string("error_handler", "");
  }

  body(): ScanCommand[] {
    const body = this.child("body");
    return body ? readCommands(body) : [];
  }

  logDevices(): string[] {
    const devices = this.child("devices");
    if (!devices) {
      throw new ScanXmlError("Missing 'devices'", {
        line: this.element.line,
        element: this.element.name,
      });
    }
    return childElements(devices, "device").map((device) => {
      const first = device.children[0];
      if (!first) {
        throw new ScanXmlError("Missing device name", { line: device.line, element: "device" });
      }
      return first.kind === "element" ? "" : first.value;
    });
  }

  scriptArguments(): string[] {
    const args = this.child("arguments");
    if (!args) return [];
    return childElements(args, "argument").map((arg) => {
      const first = arg.children[0];
      return !first || first.kind === "element" ? "" : first.value;
    });
  }
}
