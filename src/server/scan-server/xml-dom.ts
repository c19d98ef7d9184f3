/**
 * A small XML reader for the documents Scan Server clients send (`<commands>`, `<patch>`):
 * elements, attributes, text, CDATA, comments, processing instructions and the predefined
 * and numeric character references. No DTDs or external entities, which such documents
 * never carry. It builds the few node kinds the server's DOM code looks at, each element
 * with the line it starts on so errors can name it.
 */
import { ScanXmlError } from "./errors.ts";

export interface XmlElement {
  readonly kind: "element";
  readonly name: string;
  readonly line: number;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlNode[];
}

/** Adjacent text and references merge into one node, as a DOM parser plus normalize() gives. */
export interface XmlText {
  readonly kind: "text" | "cdata" | "comment" | "pi";
  readonly value: string;
}

export type XmlNode = XmlElement | XmlText;

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;

interface MutableElement {
  kind: "element";
  name: string;
  line: number;
  attributes: Map<string, string>;
  children: XmlNode[];
}

/** Parses a whole document and returns its root element. */
export function parseXmlDocument(source: string): XmlElement {
  // XML end-of-line handling: CR LF and lone CR read as LF.
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let pos = 0;
  let line = 1;
  let root: MutableElement | undefined;
  const stack: MutableElement[] = [];

  const fail = (message: string): never => {
    throw new ScanXmlError(`Malformed XML: ${message}`, { line });
  };
  const advance = (to: number): void => {
    for (let i = pos; i < to; i++) if (text.charCodeAt(i) === 10) line++;
    pos = to;
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) fail(`expected a name at '${text.slice(pos, pos + 10)}'`);
    advance(pos + match![0].length);
    return match![0];
  };
  const skipSpace = (): void => {
    let end = pos;
    while (end < text.length && /\s/.test(text[end]!)) end++;
    advance(end);
  };
  const addNode = (node: XmlText): void => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (node.kind === "text" && node.value.trim() === "") return;
      if (node.kind === "comment" || node.kind === "pi") return;
      fail("content outside the root element");
    }
    const last = parent!.children[parent!.children.length - 1];
    if (node.kind === "text" && last?.kind === "text") {
      parent!.children[parent!.children.length - 1] = {
        kind: "text",
        value: last.value + node.value,
      };
    } else {
      parent!.children.push(node);
    }
  };

  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    if (lt !== pos) {
      const end = lt === -1 ? text.length : lt;
      const raw = text.slice(pos, end);
      const startLine = line;
      advance(end);
      if (raw.includes("]]>")) fail("']]>' in text");
      addNode({ kind: "text", value: decodeReferences(raw, startLine) });
      continue;
    }
    if (text.startsWith("<!--", pos)) {
      const end = text.indexOf("-->", pos + 4);
      if (end === -1) fail("unterminated comment");
      const value = text.slice(pos + 4, end);
      advance(end + 3);
      addNode({ kind: "comment", value });
    } else if (text.startsWith("<![CDATA[", pos)) {
      const end = text.indexOf("]]>", pos + 9);
      if (end === -1) fail("unterminated CDATA section");
      const value = text.slice(pos + 9, end);
      advance(end + 3);
      if (stack.length === 0) fail("CDATA outside the root element");
      addNode({ kind: "cdata", value });
    } else if (text.startsWith("<?", pos)) {
      const end = text.indexOf("?>", pos + 2);
      if (end === -1) fail("unterminated processing instruction");
      const value = text.slice(pos + 2, end);
      advance(end + 2);
      addNode({ kind: "pi", value });
    } else if (text.startsWith("<!", pos)) {
      fail("DOCTYPE and other declarations are not accepted");
    } else if (text.startsWith("</", pos)) {
      advance(pos + 2);
      const name = readName();
      skipSpace();
      if (text[pos] !== ">") fail(`expected '>' to close </${name}>`);
      advance(pos + 1);
      const open = stack.pop();
      if (!open) fail(`unexpected </${name}>`);
      if (open!.name !== name) fail(`</${name}> closes <${open!.name}> of line ${open!.line}`);
    } else {
      const startLine = line;
      advance(pos + 1);
      const name = readName();
      const attributes = new Map<string, string>();
      for (;;) {
        const before = pos;
        skipSpace();
        if (text.startsWith("/>", pos) || text[pos] === ">") break;
        if (pos === before) fail(`expected whitespace before an attribute in <${name}>`);
        const attr = readName();
        skipSpace();
        if (text[pos] !== "=") fail(`expected '=' after attribute ${attr} in <${name}>`);
        advance(pos + 1);
        skipSpace();
        const quote = text[pos];
        if (quote !== '"' && quote !== "'")
          fail(`expected a quoted value for ${attr} in <${name}>`);
        const end = text.indexOf(quote!, pos + 1);
        if (end === -1) fail(`unterminated value of ${attr} in <${name}>`);
        const raw = text.slice(pos + 1, end);
        if (raw.includes("<")) fail(`'<' in the value of ${attr} in <${name}>`);
        const valueLine = line;
        advance(end + 1);
        if (attributes.has(attr)) fail(`attribute ${attr} repeated in <${name}>`);
        attributes.set(attr, decodeReferences(raw, valueLine).replace(/[\t\n]/g, " "));
      }
      const element: MutableElement = {
        kind: "element",
        name,
        line: startLine,
        attributes,
        children: [],
      };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail(`a second root element <${name}>`);
      else root = element;
      if (text.startsWith("/>", pos)) {
        advance(pos + 2);
      } else {
        advance(pos + 1);
        stack.push(element);
      }
    }
  }
  const open = stack.pop();
  if (open) fail(`<${open.name}> of line ${open.line} is not closed`);
  if (!root) fail("no root element");
  return root!;
}

const PREDEFINED: Readonly<Record<string, string>> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

function decodeReferences(raw: string, line: number): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&\s]*);?/g, (match, body: string) => {
    if (!match.endsWith(";")) {
      throw new ScanXmlError(`Malformed XML: '&' not starting a reference`, { line });
    }
    const named = PREDEFINED[body];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (numeric) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    }
    throw new ScanXmlError(`Malformed XML: unknown reference ${match}`, { line });
  });
}

/** First child element of that name, as the server's XMLUtil.getChildElement. */
export function childElement(parent: XmlElement, name: string): XmlElement | undefined {
  for (const node of parent.children) {
    if (node.kind === "element" && node.name === name) return node;
  }
  return undefined;
}

/** Every child element of that name, in order. */
export function childElements(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter(
    (node): node is XmlElement => node.kind === "element" && node.name === name,
  );
}

/**
 * XMLUtil.getString: the value of the first child when it is text or CDATA, else "".
 * Not trimmed.
 */
export function elementText(element: XmlElement): string {
  const first = element.children[0];
  if (first && (first.kind === "text" || first.kind === "cdata")) return first.value;
  return "";
}
