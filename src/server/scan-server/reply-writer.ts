/**
 * The server's indenting XML stream writer, for the replies it builds element by element
 * (`<scan>`, `<scans>`, `<server>`, `<data>`, `<devices>`): a declaration, each element on
 * its own line with two spaces per level, text inline, a closing tag on its own line only
 * after child elements, and a final newline. Text escapes `&`, `<`, `>`; attribute values
 * also `"`. An element with empty text is written `<name></name>`.
 */
export class ReplyWriter {
  private out = '<?xml version="1.0" encoding="UTF-8"?>';
  private level = 0;
  private state: "idle" | "inElement" | "withData" = "idle";
  private tagOpen = false;
  private readonly open: string[] = [];

  start(name: string): this {
    this.indent(this.level++);
    this.closeTag();
    this.out += `<${name}`;
    this.tagOpen = true;
    this.open.push(name);
    this.state = "inElement";
    return this;
  }

  attribute(name: string, value: string): this {
    if (!this.tagOpen) throw new Error(`attribute ${name} after the start tag was closed`);
    this.out += ` ${name}="${escape(value, true)}"`;
    return this;
  }

  text(text: string): this {
    this.state = "withData";
    this.characters(escape(text, false));
    return this;
  }

  end(): this {
    --this.level;
    if (this.state === "inElement") this.indent(this.level);
    const name = this.open.pop();
    if (name === undefined) throw new Error("end() without an open element");
    this.closeTag();
    this.out += `</${name}>`;
    this.state = this.level > 0 ? "inElement" : "idle";
    return this;
  }

  /** An element holding only text, after the server's control-character sanitizing. */
  leaf(name: string, text: string): this {
    return this.start(name).text(sanitize(text)).end();
  }

  /** Closes what is still open and returns the document. */
  finish(): string {
    while (this.open.length > 0) {
      this.closeTag();
      this.out += `</${this.open.pop()!}>`;
    }
    return `${this.out}\n`;
  }

  private indent(level: number): void {
    this.characters(`\n${"  ".repeat(level)}`);
  }

  private characters(text: string): void {
    this.closeTag();
    this.out += text;
  }

  private closeTag(): void {
    if (this.tagOpen) {
      this.out += ">";
      this.tagOpen = false;
    }
  }
}

function escape(text: string, attribute: boolean): string {
  return text.replace(attribute ? /[&<>"]/g : /[&<>]/g, (ch) =>
    ch === "&" ? "&amp;" : ch === "<" ? "&lt;" : ch === ">" ? "&gt;" : "&quot;",
  );
}

/** Control characters but tab, CR and LF become `_`, which XML 1.0 cannot carry. */
export function sanitize(text: string): string {
  let out = "";
  for (const ch of text) out += isBadControl(ch.charCodeAt(0)) ? "_" : ch;
  return out;
}

function isBadControl(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
}
