import { describe, expect, it } from "vitest";
import {
  dataXml,
  devicesXml,
  isDoneState,
  lastSerialXml,
  sampleValueText,
  scanIdXml,
  scanInfoXml,
  scanPercentage,
  scansXml,
  serverInfoXml,
  simulationXml,
  submitErrorXml,
  type ScanInfo,
} from "../../../src/server/scan-server/index.ts";

/** The reference's `c.scanInfo(7)` while the Log of "My First Scan" runs. */
const RUNNING: ScanInfo = {
  id: 7,
  name: "My First Scan",
  created: 1700000000123,
  state: "Running",
  runtime: 1500,
  totalWorkUnits: 2,
  performedWorkUnits: 1,
  finish: 1700000003123,
  address: 1,
  command: "Log 'x', 'y'",
};

const RUNNING_XML = `<?xml version="1.0" encoding="UTF-8"?>
<scan>
  <id>7</id>
  <name>My First Scan</name>
  <created>1700000000123</created>
  <state>Running</state>
  <runtime>1500</runtime>
  <total_work_units>2</total_work_units>
  <performed_work_units>1</performed_work_units>
  <finish>1700000003123</finish>
  <address>1</address>
  <command>Log 'x', 'y'</command>
</scan>
`;

describe("scan info", () => {
  it("matches the reference reply byte for byte", () => {
    expect(scanInfoXml(RUNNING)).toBe(RUNNING_XML);
    expect(scanPercentage(RUNNING)).toBe(50);
    expect(isDoneState(RUNNING.state)).toBe(false);
  });

  it("leaves out work units without a total, finish before the start, and writes empty text as <x></x>", () => {
    const idle: ScanInfo = {
      id: 8,
      name: "Later",
      created: 1700000005000,
      state: "Idle",
      runtime: 0,
      address: -1,
      command: "",
    };
    expect(scanInfoXml(idle)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<scan>
  <id>8</id>
  <name>Later</name>
  <created>1700000005000</created>
  <state>Idle</state>
  <runtime>0</runtime>
  <address>-1</address>
  <command></command>
</scan>
`);
    expect(scanPercentage(idle)).toBe(0);
  });

  it("writes the error of an aborted scan last, escaped and sanitized", () => {
    const xml = scanInfoXml({
      ...RUNNING,
      name: "a<b & c>\u0007",
      state: "Aborted",
      performedWorkUnits: 2,
      address: -1,
      command: "- end -",
      error: "Aborted (deadline/timeout)",
    });
    expect(xml).toContain("<name>a&lt;b &amp; c&gt;_</name>");
    expect(xml).toContain(
      "  <address>-1</address>\n  <command>- end -</command>\n  <error>Aborted (deadline/timeout)</error>\n</scan>\n",
    );
    expect(isDoneState("Aborted")).toBe(true);
    expect(isDoneState("Logged")).toBe(true);
  });

  it("refuses a state the server does not have", () => {
    expect(() => scanInfoXml({ ...RUNNING, state: "Done" as "Idle" })).toThrow();
  });
});

describe("scan list", () => {
  it("is <scans>\\n</scans> with no scan", () => {
    expect(scansXml([])).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<scans>\n</scans>\n');
  });

  it("nests each scan one level deeper", () => {
    const xml = scansXml([RUNNING]);
    const nested = RUNNING_XML.split("\n")
      .slice(1, -1)
      .map((line) => `  ${line}`)
      .join("\n");
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<scans>\n${nested}\n</scans>\n`);
  });
});

describe("logged data", () => {
  it("matches the reference <data> document", () => {
    expect(dataXml({ x: [{ serial: 0, time: 1700000001234, value: 10 }] })).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<data>
  <device>
    <name>x</name>
    <samples>
      <sample id="0">
        <time>1700000001234</time>
        <value>10.0</value>
      </sample>
    </samples>
  </device>
</data>
`,
    );
  });

  it("sorts devices by name and leaves out devices without samples", () => {
    const xml = dataXml({
      y: [{ serial: 0, time: 2, value: "on" }],
      empty: [],
      x: [
        { serial: 0, time: 1, value: 3n },
        { serial: 1, time: 3, value: [1, 2] },
      ],
    });
    expect(xml.indexOf("<name>x</name>")).toBeLessThan(xml.indexOf("<name>y</name>"));
    expect(xml).not.toContain("empty");
    expect(xml).toContain(
      '<sample id="1">\n        <time>3</time>\n        <value>[1.0, 2.0]</value>',
    );
    expect(xml).toContain("<value>3</value>");
    expect(xml).toContain("<value>on</value>");
  });

  it("prints values as Java's toString", () => {
    expect(sampleValueText(10)).toBe("10.0");
    expect(sampleValueText(3n)).toBe("3");
    expect(sampleValueText(1e-5)).toBe("1.0E-5");
    expect(sampleValueText(NaN)).toBe("NaN");
    expect(sampleValueText("text")).toBe("text");
  });

  it("is an empty <data> without samples", () => {
    expect(dataXml({})).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<data>\n</data>\n');
  });
});

describe("the other replies", () => {
  it("server info", () => {
    expect(
      serverInfoXml({
        version: "4.7.0",
        startTime: 1700000000000,
        scanConfig: "file:/opt/scan_config.xml",
        scriptPaths: ["/opt/scripts", "examples:scripts"],
        macros: "P=demo",
        usedMem: 1024,
        maxMem: 4096,
        nonHeap: 512,
      }),
    ).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<server>
  <version>4.7.0</version>
  <start_time>1700000000000</start_time>
  <scan_config>file:/opt/scan_config.xml</scan_config>
  <script_paths>/opt/scripts, examples:scripts</script_paths>
  <macros>P=demo</macros>
  <used_mem>1024</used_mem>
  <max_mem>4096</max_mem>
  <non_heap>512</non_heap>
</server>
`);
  });

  it("devices, with a status only when there is one", () => {
    expect(
      devicesXml([
        { name: "motor_x", alias: "x", status: "3.0" },
        { name: "motor_y", alias: "y" },
      ]),
    ).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<devices>
  <device>
    <name>motor_x</name>
    <alias>x</alias>
    <status>3.0</status>
  </device>
  <device>
    <name>motor_y</name>
    <alias>y</alias>
  </device>
</devices>
`);
  });

  it("the hand-written id, serial, simulation and error bodies", () => {
    expect(scanIdXml(7)).toBe("<id>7</id>\n");
    expect(lastSerialXml(-1)).toBe("<serial>-1</serial>");
    expect(lastSerialXml(12)).toBe("<serial>12</serial>");
    const log =
      "Simulation:\n--------\n00:00:00 - Set 'x' = 10.0\n--------\n00:00:00   Total estimated execution time\n";
    expect(simulationXml(log, 0.5)).toBe(
      `<simulation>\n  <log><![CDATA[${log}]]>\n  </log>\n  <seconds>0.5</seconds>\n</simulation>\n`,
    );
    expect(
      submitErrorXml(
        "My Scan failed to submit",
        "java.lang.Exception: Unknown scan command ID <x>",
      ),
    ).toBe(
      "<error>\n<message>My Scan failed to submit</message>\n<trace>\n" +
        "java.lang.Exception: Unknown scan command ID &lt;x>\n</trace>\n</error>\n",
    );
    expect(() => scanIdXml(1.5)).toThrow();
  });
});
