/**
 * Writes the command tree as the Scan Server returns it (GET /scan/{id}/commands): the
 * server's own element order and conditional elements, canonical values (`10.0`, `true`),
 * no addresses, no XML declaration, two-space indentation, `<empty/>` for an element with
 * no content and a final newline, as the JDK's indenting XML transformer prints it.
 */
import { hasBody, type ScanCommand } from "./commands.ts";
import { javaDouble, type ScanValue } from "./java-text.ts";

/** A written element: text content or child elements. */
interface Out {
  readonly name: string;
  readonly text?: string;
  readonly children?: Out[];
}

const leaf = (name: string, text: string): Out => ({ name, text });
const bool = (value: boolean): string => (value ? "true" : "false");
/** A value field: strings in double quotes, numbers as Java doubles. */
const valueText = (value: ScanValue): string =>
  typeof value === "string" ? `"${value}"` : javaDouble(value);

export function writeCommandsXml(commands: readonly ScanCommand[]): string {
  return `${render({ name: "commands", children: commands.map(commandElement) }, 0)}\n`;
}

function commandElement(command: ScanCommand): Out {
  const children: Out[] = [];
  const add = (name: string, text: string): void => {
    children.push(leaf(name, text));
  };
  switch (command.type) {
    case "comment":
      add("text", command.text);
      // A comment has no error handler.
      return { name: command.type, children };
    case "set":
      add("device", command.deviceName);
      add("value", valueText(command.value));
      if (command.completion) add("completion", "true");
      if (!command.wait) {
        add("wait", "false");
      } else {
        if (command.readback !== "") add("readback", command.readback);
        // An empty string means "the written value" and is left out; a number is kept.
        if (typeof command.readbackValue !== "string" || command.readbackValue !== "") {
          add("readback_value", valueText(command.readbackValue));
        }
      }
      if (command.tolerance > 0) add("tolerance", javaDouble(command.tolerance));
      if (command.timeout > 0) add("timeout", javaDouble(command.timeout));
      break;
    case "wait":
    case "if":
      add("device", command.deviceName);
      add("value", valueText(command.desiredValue));
      add("comparison", command.comparison);
      if (command.tolerance > 0) add("tolerance", javaDouble(command.tolerance));
      if (command.type === "wait" && command.timeout > 0) {
        add("timeout", javaDouble(command.timeout));
      }
      break;
    case "loop":
      add("device", command.deviceName);
      add("start", javaDouble(command.start));
      add("end", javaDouble(command.end));
      add("step", javaDouble(command.stepSize));
      if (command.completion) add("completion", "true");
      if (!command.wait) add("wait", "false");
      if (command.wait && command.readback !== "") add("readback", command.readback);
      if (command.tolerance > 0) add("tolerance", javaDouble(command.tolerance));
      if (command.timeout > 0) add("timeout", javaDouble(command.timeout));
      break;
    case "delay":
      add("seconds", javaDouble(command.seconds));
      break;
    case "log":
      children.push({
        name: "devices",
        children: command.deviceNames.map((device) => leaf("device", device)),
      });
      break;
    case "config_log":
      add("automatic", bool(command.automatic));
      break;
    case "include":
      add("scan_file", command.scanFile);
      add("macros", command.macros);
      break;
    case "parallel":
      if (command.timeout > 0) add("timeout", javaDouble(command.timeout));
      break;
    case "sequence":
      break;
    case "script":
      add("path", command.script);
      children.push({
        name: "arguments",
        children: command.arguments.map((arg) => leaf("argument", arg)),
      });
      break;
  }
  // The body (always written, even empty) comes after the command's own fields...
  if (hasBody(command)) children.push({ name: "body", children: command.body.map(commandElement) });
  // ...and the error handler last, only when set.
  if (command.errorHandler !== "") add("error_handler", command.errorHandler);
  return { name: command.type, children };
}

function render(element: Out, depth: number): string {
  const children = element.children ?? [];
  if (children.length > 0) {
    const inner = "  ".repeat(depth + 1);
    const parts = children.map((child) => `\n${inner}${render(child, depth + 1)}`);
    return `<${element.name}>${parts.join("")}\n${"  ".repeat(depth)}</${element.name}>`;
  }
  const text = element.text ?? "";
  // An empty text node writes nothing, so the element closes as empty.
  if (text === "") return `<${element.name}/>`;
  return `<${element.name}>${escapeText(text)}</${element.name}>`;
}

/**
 * Text escaping of the JDK serializer: `&`, `<`, `>` as entities, CR and other control
 * characters (C0 but tab and LF, and U+007F..U+009F) as decimal character references.
 * Double quotes stay as they are.
 */
function escapeText(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f)) {
      out += `&#${code};`;
    } else out += ch;
  }
  return out;
}
