import { describe, expect, it } from "vitest";
import { ScanXmlError } from "../../../src/server/scan-server/index.ts";
import {
  childElement,
  elementText,
  parseXmlDocument,
} from "../../../src/server/scan-server/xml-dom.ts";

describe("the XML reader", () => {
  it("reads a declaration, attributes, references and CRLF line ends", () => {
    const root = parseXmlDocument(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- c -->\r\n<a x=\'1\' y="&lt;2&gt;">\r\n  <b>&#x41;&#66;&amp;&quot;&apos;</b>\r\n</a>\r\n',
    );
    expect(root.name).toBe("a");
    expect(root.attributes.get("y")).toBe("<2>");
    const b = childElement(root, "b")!;
    expect(b.line).toBe(4);
    expect(elementText(b)).toBe("AB&\"'");
    expect(elementText(root)).toBe("\n  ");
  });

  it("keeps CDATA apart from text, as the server's DOM does", () => {
    const root = parseXmlDocument("<a><![CDATA[<x>]]>y</a>");
    expect(root.children).toEqual([
      { kind: "cdata", value: "<x>" },
      { kind: "text", value: "y" },
    ]);
  });

  it.each([
    ["<a>", "Malformed XML: <a> of line 1 is not closed (line 1)"],
    ["<a></b>", "Malformed XML: </b> closes <a> of line 1 (line 1)"],
    ["<a/><b/>", "Malformed XML: a second root element <b> (line 1)"],
    ["<a>&bogus;</a>", "Malformed XML: unknown reference &bogus; (line 1)"],
    ["<a>x & y</a>", "Malformed XML: '&' not starting a reference (line 1)"],
    ["text<a/>", "Malformed XML: content outside the root element (line 1)"],
    ["<!DOCTYPE a><a/>", "Malformed XML: DOCTYPE and other declarations are not accepted (line 1)"],
    ['<a x="1" x="2"/>', "Malformed XML: attribute x repeated in <a> (line 1)"],
    ["<a>\n\n<!-- open", "Malformed XML: unterminated comment (line 3)"],
  ])("refuses %j", (xml, message) => {
    expect(() => parseXmlDocument(xml)).toThrow(ScanXmlError);
    expect(() => parseXmlDocument(xml)).toThrow(message);
  });
});
