import { afterEach, describe, expect, it } from "vitest";
import {
  handleScanRequest,
  type ScanHttpRequest,
  type ScanService,
} from "../../../src/server/scan-server/index.js";
import { scanServerSim, type ScanServerSim } from "../support/scan-server-sim.js";

let sim: ScanServerSim | undefined;
afterEach(async () => {
  await sim?.cleanup();
  sim = undefined;
});

const gated = `<commands>
  <wait><device>m2</device><value>0.5</value><comparison>AT_LEAST</comparison></wait>
  <log><devices><device>m2</device></devices></log>
</commands>`;

function request(
  service: ScanService,
  method: string,
  url: string,
  body = "",
  /** null sends no content type. */
  contentType: string | null = method === "POST" || method === "PUT" ? "text/xml" : null,
) {
  const r: ScanHttpRequest = {
    method,
    url,
    body,
    remote: "127.0.0.1",
    ...(contentType === null ? {} : { contentType }),
  };
  return handleScanRequest(service, r);
}

function until(service: ScanService, test: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (test()) return resolve();
    const stop = service.subscribe(() => {
      if (!test()) return;
      stop();
      resolve();
    });
  });
}

describe("handleScanRequest", () => {
  it("answers refused requests with the server's status codes and messages", async () => {
    sim = await scanServerSim();
    const s = sim.service;
    const cases: Array<[string, string, number, string]> = [
      ["GET", "/scan", 400, "Missing scan ID"],
      ["GET", "/scan/x", 400, "Cannot parse path element 'x'"],
      ["GET", "/scan/42", 500, "Unknown scan ID 42"],
      ["GET", "/scan/42/data", 500, "Unknown scan ID 42"],
      ["PUT", "/scan/7", 400, "Missing scan ID and command"],
      ["PUT", "/scan/7/x/y", 400, "Expecting scan ID and command, got /7/x/y"],
      ["PUT", "/scan/42/pause", 400, "Unknown scan ID 42"],
      ["DELETE", "/scan/42", 400, "Unknown scan ID 42"],
      ["DELETE", "/scans/other", 400, "Illegal path '/scans/other'"],
      ["GET", "/server/x", 400, "Invalid request /server/x"],
    ];
    for (const [method, url, status, message] of cases) {
      const reply = await request(s, method, url);
      expect([url, reply.status]).toEqual([url, status]);
      expect(reply.contentType).toMatch(/^text\/html/);
      expect(reply.body).toContain(
        `<h2>HTTP ERROR ${status} ${message.replaceAll("'", "&#39;")}</h2>`,
      );
    }
    const id = await s.submit(gated, "g");
    expect((await request(s, "GET", `/scan/${id}/foo`)).status).toBe(500);
    expect((await request(s, "PUT", `/scan/${id}/jump`)).body).toContain(
      "Unknown command &#39;jump&#39;",
    );
    await s.abort(id);
  });

  it("checks the content type of a submit and answers a failed one with <error>", async () => {
    sim = await scanServerSim();
    const s = sim.service;
    const plain = await request(s, "POST", "/scan/a", gated, "text/plain");
    expect(plain.status).toBe(400);
    expect(plain.body).toContain(
      "Expecting XML content with scan, got format &#39;text/plain&#39;",
    );
    expect((await request(s, "POST", "/scan/a", gated, null)).status).toBe(500);

    const bad = await request(s, "POST", "/scan/a", "<commands><jump/></commands>");
    expect(bad.status).toBe(400);
    expect(bad.contentType).toBe("text/xml");
    expect(bad.body).toMatch(/^<error>\n<message>a failed to submit<\/message>\n<trace>\n/);
    expect(bad.body).toContain("Unknown scan command ID jump");
    expect(bad.body).toMatch(/\n<\/trace>\n<\/error>\n$/);

    const script = await request(
      s,
      "POST",
      "/scan/s",
      "<commands><script><path>Align</path></script></commands>",
    );
    expect(script.status).toBe(400);
    expect(script.body).toContain("Script command 'Align' is refused");
    expect(script.body).toContain("(address 0)");

    const timeout = await request(s, "POST", "/scan/t?timeout=10.0", gated);
    expect(timeout.body).toContain("Invalid timeout '10.0'");
    const both = await request(
      s,
      "POST",
      "/scan/t?timeout=10&deadline=2025-01-01%2012%3A00%3A00",
      gated,
    );
    expect(both.body).toContain("Cannot specify both timeout and deadline");
    const sim2 = await request(s, "POST", "/simulate", "<nothing/>");
    expect(sim2.body).toMatch(/^<error>\n<message>Failed to simulate<\/message>/);
    expect(s.infos()).toEqual([]);
  });

  it("passes a timeout and a deadline on to the scan", async () => {
    sim = await scanServerSim();
    const s = sim.service;
    const stale = await request(s, "POST", "/scan/t?deadline=2020-01-01%2000%3A00%3A00", gated);
    expect(stale.body).toBe("<id>1</id>\n");
    expect(s.info(1)).toMatchObject({ state: "Aborted", error: "Aborted (stale deadline)" });
    const timed = await request(
      s,
      "POST",
      "/scan/t?timeout=1",
      "<commands><delay><seconds>3</seconds></delay><delay><seconds>3</seconds></delay></commands>",
    );
    expect(timed.body).toBe("<id>2</id>\n");
    await s.idle();
    const info = await request(s, "GET", "/scan/2");
    expect(info.body).toContain(
      "<address>-1</address>\n  <command>- end -</command>\n  <error>Aborted (deadline/timeout)</error>\n</scan>\n",
    );
  });

  it("names scans from the decoded path, or after the client", async () => {
    sim = await scanServerSim();
    const s = sim.service;
    const first = await request(s, "POST", "/scan/My%20First%20Scan", gated);
    expect(first).toEqual({ status: 200, contentType: "text/xml", body: "<id>1</id>\n" });
    expect((await request(s, "POST", "/scan", gated)).body).toBe("<id>2</id>\n");
    expect(s.info(1).name).toBe("My First Scan");
    expect(s.info(2).name).toBe("Scan from 127.0.0.1");
    const busy = await request(s, "POST", "/scan/now?queue=false", gated);
    expect(busy.status).toBe(400);
    expect(busy.body).toContain("cannot start at once: the engine is busy");
    const list = await request(s, "GET", "/scans");
    expect(list.body).toMatch(/<scans>\n {2}<scan>\n {4}<id>2<\/id>[\s\S]*<id>1<\/id>/);
    expect((await request(s, "PUT", "/scan/-1/abort")).status).toBe(200);
    await s.idle();
    expect(s.infos().map((i) => i.state)).toEqual(["Aborted", "Aborted"]);
    expect((await request(s, "DELETE", "/scans/completed")).status).toBe(200);
    expect((await request(s, "GET", "/scans")).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<scans>\n</scans>\n',
    );
  });

  it("ends the active command on next, and moves a queued scan", async () => {
    sim = await scanServerSim();
    const s = sim.service;
    const started: number[] = [];
    s.subscribe((id) => {
      if (s.info(id).state === "Running" && !started.includes(id)) started.push(id);
    });
    const first = await s.submit(gated, "first");
    await s.submit("<commands><comment><text>a</text></comment></commands>", "a");
    await s.submit("<commands><comment><text>b</text></comment></commands>", "b");
    await until(s, () => s.info(first).address === 0);
    expect((await request(s, "PUT", "/scan/3/move/-1")).status).toBe(200);
    expect((await request(s, "PUT", `/scan/${first}/move/1`)).status).toBe(400);
    expect((await request(s, "PUT", `/scan/${first}/next`)).status).toBe(200);
    await until(s, () => s.infos().every((i) => i.state === "Finished"));
    expect(started).toEqual([1, 3, 2]);
    expect(s.data(first).m2).toHaveLength(1);
  });

  it("lists the beamline's devices with their values, and a scan's devices", async () => {
    sim = await scanServerSim();
    const s = sim.service;
    const all = await request(s, "GET", "/scan/-1/devices");
    expect(all.body).toContain(
      "<device>\n    <name>m1</name>\n    <alias>m1</alias>\n    <status>0.0</status>\n  </device>",
    );
    const id = await s.submit(gated, "g");
    const mine = await request(s, "GET", `/scan/${id}/devices`);
    expect(mine.body).toMatch(/<devices>\n {2}<device>\n {4}<name>m2<\/name>/);
    expect(mine.body).not.toContain("<name>m1</name>");
    await s.abort(id);
  });
});
