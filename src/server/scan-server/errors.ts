import { HilError } from "../../core/index.ts";

/**
 * A submitted document could not be read: malformed XML, a wrong root, an unknown command
 * or a value of the wrong kind. The message starts with the Scan Server's own wording (so a
 * client sees the text it knows) and names the element and its line.
 */
export class ScanXmlError extends HilError {
  readonly line: number | undefined;
  readonly element: string | undefined;

  constructor(message: string, where?: { line?: number; element?: string }) {
    const place = describePlace(where);
    super("HIL_SCAN_XML", place ? `${message} (${place})` : message);
    this.line = where?.line;
    this.element = where?.element;
  }
}

/** A patch names no command at its address, or a property or value the command cannot take. */
export class ScanPatchError extends HilError {
  constructor(message: string) {
    super("HIL_SCAN_PATCH", message);
  }
}

function describePlace(where: { line?: number; element?: string } | undefined): string {
  if (!where) return "";
  const parts: string[] = [];
  if (where.element !== undefined) parts.push(`element <${where.element}>`);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  return parts.join(", ");
}
