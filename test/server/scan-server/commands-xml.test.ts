import { describe, expect, it } from "vitest";
import {
  assignAddresses,
  describeCommand,
  findRefused,
  flattenCommands,
  parseCommandsXml,
  ScanXmlError,
  totalWorkUnits,
  writeCommandsXml,
  type ScanCommand,
} from "../../../src/server/scan-server/index.ts";

/** The body PyScanClient sends for `submit([Set('x', 10), Log('x', 'y')], 'My First Scan')`. */
const FIRST_SCAN = `<commands>
  <set>
    <device>x</device>
    <value>10</value>
    <wait>false</wait>
  </set>
  <log>
    <devices>
      <device>x</device>
      <device>y</device>
    </devices>
  </log>
</commands>
`;

/** What the server answers for it on GET /scan/{id}/commands. */
const FIRST_SCAN_FROM_SERVER = `<commands>
  <set>
    <device>x</device>
    <value>10.0</value>
    <wait>false</wait>
    <tolerance>0.1</tolerance>
  </set>
  <log>
    <devices>
      <device>x</device>
      <device>y</device>
    </devices>
  </log>
</commands>
`;

/** Reparsing the server's own text gives the same tree, and writing it the same text. */
function expectStable(commands: readonly ScanCommand[]): void {
  const written = writeCommandsXml(commands);
  expect(assignAddresses(parseCommandsXml(written))).toEqual(assignAddresses(commands));
  expect(writeCommandsXml(parseCommandsXml(written))).toBe(written);
}

describe("the submitted example scan", () => {
  it("reads into a set and a log with the server's defaults", () => {
    const commands = parseCommandsXml(FIRST_SCAN);
    expect(commands).toEqual([
      {
        type: "set",
        address: -1,
        deviceName: "x",
        value: 10,
        completion: false,
        wait: false,
        readback: "x",
        readbackValue: "",
        tolerance: 0.1,
        timeout: 0,
        errorHandler: "",
      },
      { type: "log", address: -1, deviceNames: ["x", "y"], errorHandler: "" },
    ]);
  });

  it("gets addresses 0 and 1 and two work units", () => {
    const commands = assignAddresses(parseCommandsXml(FIRST_SCAN));
    expect(commands.map((c) => c.address)).toEqual([0, 1]);
    expect(totalWorkUnits(commands)).toBe(2);
  });

  it("is written back as the server writes it, without addresses", () => {
    const commands = assignAddresses(parseCommandsXml(FIRST_SCAN));
    expect(writeCommandsXml(commands)).toBe(FIRST_SCAN_FROM_SERVER);
    expectStable(parseCommandsXml(FIRST_SCAN));
  });

  it("describes its commands as scan info shows them", () => {
    const [set, log] = parseCommandsXml(FIRST_SCAN);
    expect(describeCommand(set!)).toBe("Set 'x' = 10.0");
    expect(describeCommand(log!)).toBe("Log 'x', 'y'");
  });
});

describe("a set with completion and readback", () => {
  // Set('x', 5.5, completion=True, readback=True, tolerance=0.1, timeout=10)
  const CLIENT = `<commands>
  <set>
    <device>x</device>
    <value>5.5</value>
    <completion>true</completion>
    <wait>true</wait>
    <readback>x</readback>
    <tolerance>0.1</tolerance>
    <timeout>10</timeout>
  </set>
</commands>
`;
  it("drops the default wait and writes canonical numbers", () => {
    const commands = parseCommandsXml(CLIENT);
    expect(writeCommandsXml(commands)).toBe(`<commands>
  <set>
    <device>x</device>
    <value>5.5</value>
    <completion>true</completion>
    <readback>x</readback>
    <tolerance>0.1</tolerance>
    <timeout>10.0</timeout>
  </set>
</commands>
`);
    expect(describeCommand(commands[0]!)).toBe(
      "Set 'x' = 5.5 with completion in 10.0 sec (check for 'x' +-0.1)",
    );
    expectStable(commands);
  });

  it("fills a hand-written set with the server's defaults: wait for the device within 0.1", () => {
    const [set] = parseCommandsXml(
      "<commands><set><device>m</device><value>2</value></set></commands>",
    );
    expect(set).toMatchObject({ wait: true, readback: "m", tolerance: 0.1, timeout: 0 });
    expect(describeCommand(set!)).toBe("Set 'm' = 2.0 (wait for 'm' +-0.1)");
  });

  it("keeps quoted strings as strings and writes them quoted; True stays a string", () => {
    const [a, b] = parseCommandsXml(
      `<commands><set><device>s</device><value>"Open"</value><wait>false</wait></set>` +
        `<set><device>b</device><value>True</value><wait>false</wait><readback_value>3</readback_value></set></commands>`,
    );
    expect(a).toMatchObject({ value: "Open" });
    expect(b).toMatchObject({ value: "True", readbackValue: 3 });
    expect(writeCommandsXml([a!])).toContain('<value>"Open"</value>');
    expect(writeCommandsXml([b!])).toContain('<value>"True"</value>');
  });
});

/** Every command as PyScanClient builds it (its genSCN output). */
const CLIENT_ALL = `<commands>
  <comment>
    <text>Start &amp; go &#233;</text>
  </comment>
  <config_log>
    <automatic>true</automatic>
  </config_log>
  <loop>
    <device>m1</device>
    <start>0</start>
    <end>10</end>
    <step>2.5</step>
    <wait>true</wait>
    <readback>m1.RBV</readback>
    <tolerance>0.25</tolerance>
    <body>
      <wait>
        <device>det</device>
        <value>5</value>
        <comparison>AT_LEAST</comparison>
        <timeout>1e-05</timeout>
      </wait>
      <delay>
        <seconds>0.5</seconds>
      </delay>
    </body>
  </loop>
  <if>
    <device>shutter</device>
    <comparison>UNEQUAL</comparison>
    <value>Open</value>
    <tolerance>0.1</tolerance>
    <body>
      <log>
        <devices>
          <device>det</device>
        </devices>
      </log>
    </body>
  </if>
  <parallel>
    <timeout>30</timeout>
    <body>
      <set>
        <device>a</device>
        <value>1</value>
        <wait>false</wait>
      </set>
      <set>
        <device>b</device>
        <value>2</value>
        <wait>false</wait>
      </set>
    </body>
  </parallel>
  <sequence>
    <body>
      <include>
        <scan_file>other.scn</scan_file>
        <macros>a=1, b=2</macros>
        <error_handler>OnErrorContinue</error_handler>
      </include>
    </body>
  </sequence>
  <loop>
    <device>t</device>
    <start>5</start>
    <end>1</end>
    <step>-1</step>
    <wait>false</wait>
    <body />
  </loop>
  <parallel />
</commands>
`;

const SERVER_ALL = `<commands>
  <comment>
    <text>Start &amp; go \u00e9</text>
  </comment>
  <config_log>
    <automatic>true</automatic>
  </config_log>
  <loop>
    <device>m1</device>
    <start>0.0</start>
    <end>10.0</end>
    <step>2.5</step>
    <readback>m1.RBV</readback>
    <tolerance>0.25</tolerance>
    <body>
      <wait>
        <device>det</device>
        <value>5.0</value>
        <comparison>AT_LEAST</comparison>
        <tolerance>0.1</tolerance>
        <timeout>1.0E-5</timeout>
      </wait>
      <delay>
        <seconds>0.5</seconds>
      </delay>
    </body>
  </loop>
  <if>
    <device>shutter</device>
    <value>"Open"</value>
    <comparison>UNEQUAL</comparison>
    <tolerance>0.1</tolerance>
    <body>
      <log>
        <devices>
          <device>det</device>
        </devices>
      </log>
    </body>
  </if>
  <parallel>
    <timeout>30.0</timeout>
    <body>
      <set>
        <device>a</device>
        <value>1.0</value>
        <wait>false</wait>
        <tolerance>0.1</tolerance>
      </set>
      <set>
        <device>b</device>
        <value>2.0</value>
        <wait>false</wait>
        <tolerance>0.1</tolerance>
      </set>
    </body>
  </parallel>
  <sequence>
    <body>
      <include>
        <scan_file>other.scn</scan_file>
        <macros>a=1, b=2</macros>
        <error_handler>OnErrorContinue</error_handler>
      </include>
    </body>
  </sequence>
  <loop>
    <device>t</device>
    <start>5.0</start>
    <end>1.0</end>
    <step>-1.0</step>
    <wait>false</wait>
    <tolerance>0.1</tolerance>
    <body/>
  </loop>
  <parallel>
    <body/>
  </parallel>
</commands>
`;

describe("every command kind", () => {
  const commands = assignAddresses(parseCommandsXml(CLIENT_ALL));

  it("is written back in the server's form", () => {
    expect(writeCommandsXml(commands)).toBe(SERVER_ALL);
    expectStable(commands);
  });

  it("numbers commands depth first, a body after its command", () => {
    expect(flattenCommands(commands).map((c) => [c.type, c.address])).toEqual([
      ["comment", 0],
      ["config_log", 1],
      ["loop", 2],
      ["wait", 3],
      ["delay", 4],
      ["if", 5],
      ["log", 6],
      ["parallel", 7],
      ["set", 8],
      ["set", 9],
      ["sequence", 10],
      ["include", 11],
      ["loop", 12],
      ["parallel", 13],
    ]);
  });

  it("counts work units: 1 a leaf, loop steps x body, 1 + body for sequence and parallel", () => {
    // comment 1, config_log 1, loop 5 steps x 2, if 1, parallel 3, sequence 1 + include 0,
    // loop 5 steps, empty parallel 1
    expect(totalWorkUnits(commands)).toBe(1 + 1 + 10 + 1 + 3 + 1 + 5 + 1);
    expect(totalWorkUnits(commands, () => 4)).toBe(27);
  });

  it("describes each as the server's scan info does", () => {
    expect(flattenCommands(commands).map(describeCommand)).toEqual([
      "Start & go \u00e9",
      "Log mode: automatically",
      "Loop 'm1' = 0.0 ... 10.0, step 2.5 (wait for 'm1.RBV' +-0.25)",
      "Wait for 'det' >= 5.0 (1.0E-5 sec timeout)",
      "Delay 0.5 sec",
      `If 'shutter' != "Open"`,
      "Log 'det'",
      "Parallel, 30.0 sec timeout",
      "Set 'a' = 1.0",
      "Set 'b' = 2.0",
      "Sequence",
      "Include 'other.scn', a=1, b=2",
      "Loop 't' = 5.0 ... 1.0, step -1.0",
      "Parallel",
    ]);
  });
});

describe("addresses", () => {
  it("loops against their step direction describe themselves as reversing", () => {
    const [loop] = parseCommandsXml(
      "<commands><loop><device>m</device><start>0</start><end>5</end><step>-1</step><wait>false</wait></loop></commands>",
    );
    expect(describeCommand(loop!)).toBe("Loop 'm' = 0.0 ... 5.0, step -1.0 (reversing)");
  });

  it("follow the reference example [Comment, Loop[Set, Delay], Log] -> 0..4", () => {
    const commands = assignAddresses(
      parseCommandsXml(
        "<commands><comment><text>c</text></comment><loop><device>m</device><body>" +
          "<set><device>m</device><value>1</value></set><delay><seconds>1</seconds></delay>" +
          "</body></loop><log><devices><device>m</device></devices></log></commands>",
      ),
    );
    expect(flattenCommands(commands).map((c) => c.address)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("what the server reads specially", () => {
  it("reads an empty sequence from the client as no commands, written <commands/>", () => {
    expect(parseCommandsXml("<commands />")).toEqual([]);
    expect(writeCommandsXml([])).toBe("<commands/>\n");
  });

  it("ignores unknown child elements such as a stray address", () => {
    const [delay] = parseCommandsXml(
      "<commands><delay><address>7</address><seconds>2</seconds></delay></commands>",
    );
    expect(delay).toEqual({ type: "delay", address: -1, seconds: 2, errorHandler: "" });
  });

  it("turns a zero loop step into 1 and an unknown comparison into EQUALS", () => {
    const [loop, wait] = parseCommandsXml(
      "<commands><loop><step>0</step></loop><wait><comparison>=</comparison></wait></commands>",
    );
    expect(loop).toMatchObject({ stepSize: 1, start: 0, end: 10, tolerance: 0.1, wait: true });
    expect(wait).toMatchObject({ comparison: "EQUALS", desiredValue: 0, tolerance: 0.1 });
  });

  it("keeps the raw list text of IN and NOT_IN", () => {
    const [wait] = parseCommandsXml(
      '<commands><wait><device>d</device><value>["a", "b"]</value><comparison>IN</comparison></wait></commands>',
    );
    expect(wait).toMatchObject({ comparison: "IN", desiredValue: '["a", "b"]' });
  });

  it("reads text without trimming but values trimmed, booleans true in any case", () => {
    const [set] = parseCommandsXml(
      "<commands><set><device> m </device><value>\n  3\n</value><completion>TRUE</completion></set></commands>",
    );
    expect(set).toMatchObject({ deviceName: " m ", value: 3, completion: true });
  });

  it("reads CDATA and comments the way the DOM does: the first text or CDATA child", () => {
    const [a, b] = parseCommandsXml(
      "<commands><comment><text><![CDATA[a<b]]></text></comment>" +
        "<comment><text><!-- x -->y</text></comment></commands>",
    );
    expect(a).toMatchObject({ text: "a<b" });
    expect(b).toMatchObject({ text: "" });
  });

  it("parses a script but marks it refused, naming it", () => {
    const commands = assignAddresses(
      parseCommandsXml(
        "<commands><loop><body><script><path>MyScript</path><arguments><argument>p</argument>" +
          "<argument/></arguments></script></body></loop></commands>",
      ),
    );
    const refused = findRefused(commands);
    expect(refused?.command).toMatchObject({
      script: "MyScript",
      arguments: ["p", ""],
      address: 1,
    });
    expect(refused?.message).toBe(
      "Script command 'MyScript' is refused: this scan server does not run Jython scripts (address 1)",
    );
    expect(writeCommandsXml(commands)).toContain(
      "<script>\n        <path>MyScript</path>\n        <arguments>\n" +
        "          <argument>p</argument>\n          <argument/>\n        </arguments>\n",
    );
    expect(findRefused(parseCommandsXml(FIRST_SCAN))).toBeUndefined();
  });

  it("escapes text as the server's serializer: & < > and CR, quotes as they are", () => {
    const [comment] = parseCommandsXml(
      '<commands><comment><text>a "b" &lt;c&gt; &amp;&#13;</text></comment></commands>',
    );
    expect(writeCommandsXml([comment!])).toBe(
      '<commands>\n  <comment>\n    <text>a "b" &lt;c&gt; &amp;&#13;</text>\n  </comment>\n</commands>\n',
    );
  });

  it("writes an empty device name as an empty element", () => {
    const [set] = parseCommandsXml("<commands><set><wait>false</wait></set></commands>");
    expect(writeCommandsXml([set!])).toContain("<set>\n    <device/>\n    <value>0.0</value>");
  });
});

describe("errors name the element and its line", () => {
  const error = (xml: string): ScanXmlError => {
    try {
      parseCommandsXml(xml);
    } catch (e) {
      if (e instanceof ScanXmlError) return e;
      throw e;
    }
    throw new Error("no error");
  };

  it("refuses a document whose root is not <commands>", () => {
    const e = error("<scan/>");
    expect(e.message).toBe("Wrong document type (element <scan>, line 1)");
  });

  it("refuses an unknown command", () => {
    const e = error("<commands>\n  <comment/>\n  <move/>\n</commands>");
    expect(e.message).toBe("Unknown scan command ID move (element <move>, line 3)");
    expect(e.line).toBe(3);
    expect(e.element).toBe("move");
  });

  it("refuses a number that Java cannot read", () => {
    const e = error("<commands>\n<set>\n<tolerance>abc</tolerance>\n</set>\n</commands>");
    expect(e.message).toBe("Expected double for <tolerance> (element <set>, line 3)");
  });

  it("refuses the empty Log() PyScanClient can send", () => {
    expect(error("<commands>\n  <log />\n</commands>").message).toBe(
      "Missing 'devices' (element <log>, line 2)",
    );
  });

  it("names the line of malformed XML", () => {
    expect(error("<commands>\n<set>\n</commands>").message).toBe(
      "Malformed XML: </commands> closes <set> of line 2 (line 3)",
    );
    expect(error("<commands>\n<set>&nbsp;</set></commands>").line).toBe(2);
    expect(error("").message).toBe("Malformed XML: no root element (line 1)");
  });
});
