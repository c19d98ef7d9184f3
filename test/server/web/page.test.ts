import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Event as EventDocument } from "../../../src/core/index.js";
import type { QueueHttpServer } from "../../../src/server/http/index.js";
import { createQueueHttpServer } from "../../../src/server/http/index.js";
import { webPage } from "../../../src/server/web/index.js";
import type { SimManager } from "../support/sim-manager.js";
import { simManager } from "../support/sim-manager.js";
import { Browser, chromiumForTests, chromiumHome, runChromium, windowSize } from "./chromium.js";
import { readPng } from "./png.js";

const chromium = chromiumForTests();
const key = "web-page-test-key";
const scanItem = { item_type: "plan", name: "scan", args: [["det"], "m1", -1, 1, 5] };

// The screenshots stay after the run, for a person to look at.
const artifacts = mkdtempSync(join(tmpdir(), "hil-web-page-"));
afterAll(() => console.log(`web page screenshots: ${artifacts}`));

// Each test starts Chromium, which takes seconds on a busy machine.
describe.skipIf(chromium === undefined)(
  "the web page in headless Chromium",
  { timeout: 60_000 },
  () => {
    let sim: SimManager;
    let server: QueueHttpServer;
    let base: string;
    let home: string;
    let browser: Browser | undefined;
    /** The primary events of every run, as the engine made them. */
    let events: EventDocument[];
    /** The exit status of each run's stop document. */
    let stops: string[];

    beforeEach(async () => {
      sim = await simManager();
      await sim.manager.openEnvironment();
      events = [];
      stops = [];
      let primary: string | undefined;
      sim.manager.subscribe((news) => {
        if (news.kind !== "environment" || news.event.kind !== "document") return;
        const [name, doc] = news.event.document;
        if (name === "descriptor" && doc.name === "primary") primary = doc.uid;
        if (name === "event" && doc.descriptor === primary) events.push(doc);
        if (name === "stop") stops.push(doc.exit_status);
      });
      server = createQueueHttpServer({
        store: sim.store,
        manager: sim.manager,
        apiKey: key,
        plugins: [webPage()],
      });
      const { host, port } = await server.listen(0);
      base = `http://${host}:${port}`;
      home = chromiumHome();
    });

    afterEach(async ({ task }) => {
      // What the page showed when a wait never ended, to read beside the screenshots.
      if (task.result?.state === "fail" && browser !== undefined) {
        const text = await browser.evaluate<string>("document.body.innerText");
        console.log(`the page said:\n${text}`);
      }
      await browser?.close();
      browser = undefined;
      await server.close();
      await sim.manager.idle();
      await sim.cleanup();
      rmSync(home, { recursive: true, force: true });
    });

    async function post(path: string, body: unknown = {}): Promise<void> {
      const response = await fetch(base + path, {
        method: "POST",
        headers: { authorization: `ApiKey ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const reply = (await response.json()) as { success: boolean; msg: string };
      expect(reply, `${path}: ${reply.msg}`).toMatchObject({ success: true });
    }

    async function openPage(): Promise<Browser> {
      browser = await Browser.launch(chromium!, home);
      await browser.open(`${base}/?api_key=${key}`);
      // Both pushes are connected: what happens from now on reaches the page.
      await browser.waitFor(`document.getElementById("connection").textContent === "live"`);
      return browser;
    }

    /** The screenshot, kept in the artifacts folder, and what it holds. */
    function keep(png: Buffer, name: string) {
      const path = join(artifacts, name);
      writeFileSync(path, png);
      console.log(`screenshot: ${path}`);
      return readPng(png);
    }

    const state = (id: string) => `document.getElementById("${id}").dataset.state`;
    const button = (action: string) => `button[data-action="${action}"]`;
    const plotPoints = `document.getElementById("plot").dataset.points`;
    const queuedRows = `document.querySelectorAll("#queue tr[data-item-uid]").length`;
    const firstExitStatus = `document.querySelector("#history td.exit-status")?.dataset.exitStatus`;

    /** The plot's points as the page drew them, with the fields it chose. */
    function readPlot(page: Browser) {
      return page.evaluate<{ x: string; y: string; points: Array<[number, number]> }>(`(() => {
      const plot = document.getElementById("plot");
      const points = [...plot.querySelectorAll("circle.point")].map((c) =>
        [Number(c.dataset.x), Number(c.dataset.y)]);
      return { x: plot.dataset.xField, y: plot.dataset.yField, points };
    })()`);
    }

    const scanPoints = () => events.map((e) => [e.data.m1, e.data.det]);

    it("starts the queue from its button and plots the scan's points as they come", async () => {
      await post("/api/queue/item/add", { item: scanItem });
      const page = await openPage();
      await page.waitFor(`document.querySelectorAll("#queue tr[data-item-uid]").length === 1`);
      expect(await page.evaluate(`document.querySelector("#queue tbody").textContent`)).toContain(
        'scan(["det"], "m1", -1, 1, 5)',
      );
      await page.waitFor(`!document.querySelector('${button("/api/queue/start")}').disabled`);

      await page.click(button("/api/queue/start"));
      // Status, documents, queue and history come by different ways: wait for all of them.
      await page.waitFor(
        `${firstExitStatus} === "completed" && ${plotPoints} === "5" && ${queuedRows} === 0 &&
          ${state("re-state")} === "idle" && ${state("manager-state")} === "idle"`,
      );

      const plot = await readPlot(page);
      expect(plot.x).toBe("m1");
      expect(plot.y).toBe("det");
      expect(events).toHaveLength(5);
      expect(plot.points).toEqual(scanPoints());
      expect(plot.points.map(([x]) => x)).toEqual([-1, -0.5, 0, 0.5, 1]);
      const html = await page.html();
      expect(html).toMatch(/<td class="exit-status" data-exit-status="completed">completed<\/td>/);
      expect(html).toContain('id="manager-state" data-state="idle"');
      expect(await page.evaluate(`document.getElementById("message").hidden`)).toBe(true);

      const png = keep(await page.screenshot(), "scan-completed.png");
      expect({ width: png.width, height: png.height }).toEqual(windowSize);
      expect(png.colours).toBeGreaterThan(20);
      // The points are drawn in the plot's colour.
      expect(png.has(0x24, 0x63, 0xc7)).toBe(true);
    });

    it("shows a paused scan with the points so far, and resumes it from its button", async () => {
      // A deferred pause as soon as the first point is saved: the plan stops at its next checkpoint.
      let asked = false;
      sim.manager.subscribe(() => {
        if (asked || events.length === 0) return;
        asked = true;
        void sim.manager.control({ kind: "pause", defer: true });
      });
      await post("/api/queue/item/add", { item: scanItem });
      const page = await openPage();
      await post("/api/queue/start");

      await page.waitFor(`${state("re-state")} === "paused"`);
      // Paused: no more points come, and the page shows those there are.
      await page.waitFor(
        `${plotPoints} === "${events.length}" && ${state("manager-state")} === "paused" &&
          document.querySelector("#queue tr.running") !== null &&
          !document.querySelector('${button("/api/re/resume")}').disabled`,
      );
      expect(
        await page.evaluate(`document.querySelector("#queue tr.running").textContent`),
      ).toContain('scan(["det"], "m1", -1, 1, 5)');
      const paused = await readPlot(page);
      expect(paused.points).toEqual(scanPoints());
      expect(paused.points.length).toBeGreaterThan(0);
      expect(paused.points.length).toBeLessThan(5);
      expect(
        await page.evaluate(`document.querySelector('${button("/api/re/pause")}').disabled`),
      ).toBe(true);
      keep(await page.screenshot(), "scan-paused.png");

      await page.click(button("/api/re/resume"));
      await page.waitFor(`${firstExitStatus} === "completed" && ${plotPoints} === "5"`);
      expect((await readPlot(page)).points).toEqual(scanPoints());
    });

    it("stops a paused scan from its button: the history says stopped", async () => {
      let asked = false;
      sim.manager.subscribe(() => {
        if (asked || events.length === 0) return;
        asked = true;
        void sim.manager.control({ kind: "pause", defer: true });
      });
      await post("/api/queue/item/add", { item: scanItem });
      const page = await openPage();
      await post("/api/queue/start");
      await page.waitFor(`!document.querySelector('${button("/api/re/stop")}').disabled`);

      await page.click(button("/api/re/stop"));
      await page.waitFor(`${firstExitStatus} === "stopped" && ${state("re-state")} === "idle"`);
      // The run's stop document says how it ended, and so does the plot's title.
      expect(stops).toHaveLength(1);
      await page.waitFor(
        `document.getElementById("plot-title").textContent.endsWith(" — ${stops[0]}")`,
      );
      expect(await page.evaluate(`document.getElementById("plot-title").textContent`)).toMatch(
        new RegExp(`^— scan #\\d+ — ${stops[0]}$`),
      );
    });

    it("says why when its key is refused", async () => {
      browser = await Browser.launch(chromium!, home);
      await browser.open(`${base}/?api_key=not-the-key`);
      await browser.waitFor(`!document.getElementById("message").hidden`);
      expect(await browser.evaluate(`document.getElementById("message").textContent`)).toBe(
        "invalid, revoked or expired API key",
      );
      expect(await browser.evaluate(`document.getElementById("connection").textContent`)).toBe(
        "connecting…",
      );
    });

    it("is whole from the command line: --dump-dom and --screenshot of the queue and history", async () => {
      await post("/api/queue/item/add", { item: scanItem });
      await post("/api/queue/start");
      await sim.manager.idle();
      await post("/api/queue/item/add", {
        item: { item_type: "plan", name: "count", args: [["det"]], kwargs: { num: 3 } },
      });
      const url = `${base}/?api_key=${key}`;
      const flags = ["--virtual-time-budget=10000"];

      const dom = await runChromium(chromium!, home, [...flags, "--dump-dom"], url);
      expect(dom).toContain('id="re-state" data-state="idle"');
      expect(dom).toContain('id="manager-state" data-state="idle"');
      expect(dom).toMatch(/<td>1<\/td><td>count\(\["det"\], num=3\)<\/td>/);
      expect(dom).toMatch(
        /<td>scan\(\["det"\], "m1", -1, 1, 5\)<\/td><td class="exit-status" data-exit-status="completed">completed<\/td>/,
      );
      expect(dom).toContain('id="history-count">(1)');

      const path = join(artifacts, "command-line.png");
      await runChromium(chromium!, home, [...flags, `--screenshot=${path}`], url);
      console.log(`screenshot: ${path}`);
      const png = readPng(readFileSync(path));
      expect({ width: png.width, height: png.height }).toEqual(windowSize);
      expect(png.colours).toBeGreaterThan(20);
    });
  },
);
