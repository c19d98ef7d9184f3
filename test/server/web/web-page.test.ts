import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { QueueHttpServer } from "../../../src/server/http/index.js";
import { createQueueHttpServer } from "../../../src/server/http/index.js";
import type { WebPageOptions } from "../../../src/server/web/index.js";
import { defaultWebDirectory, webPage } from "../../../src/server/web/index.js";
import { tempStore } from "../queue/temp-store.js";

describe("webPage plugin", () => {
  let server: QueueHttpServer | undefined;
  let temp: ReturnType<typeof tempStore> | undefined;

  afterEach(async () => {
    await server?.close();
    temp?.cleanup();
    server = temp = undefined;
  });

  /** A server that needs a key for its API, with the page; resolves to its base URL. */
  async function serve(options?: WebPageOptions): Promise<string> {
    temp = tempStore();
    server = createQueueHttpServer({
      store: temp.open(),
      apiKey: "secret",
      plugins: [webPage(options)],
    });
    const { host, port } = await server.listen(0);
    return `http://${host}:${port}`;
  }

  it("serves the page, its script and its style without a key, while the API still asks for one", async () => {
    const base = await serve();
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain("<title>HIL queue server</title>");
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/app.css" />');

    const script = await fetch(`${base}/app.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("new WebSocket(socketUrl(path, query))");
    const style = await fetch(`${base}/app.css`);
    expect(style.headers.get("content-type")).toBe("text/css; charset=utf-8");

    expect((await fetch(`${base}/api/status`)).status).toBe(401);
  });

  it("puts its title in the page as text", async () => {
    const base = await serve({ title: `<b>"Lab" & 'bench'</b>` });
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain(
      "<title>&lt;b&gt;&quot;Lab&quot; &amp; &#39;bench&#39;&lt;/b&gt;</title>",
    );
    expect(html).not.toContain("<b>");
  });

  it("loads nothing from the network: every address in its files is the server's own", () => {
    for (const file of ["index.html", "app.js", "app.css"]) {
      const text = readFileSync(join(defaultWebDirectory, file), "utf8");
      const addresses = text.match(/(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s"'`)]*/g) ?? [];
      // The SVG namespace is a name, never fetched.
      expect(
        addresses.filter((a) => a !== "http://www.w3.org/2000/svg"),
        file,
      ).toEqual([]);
    }
  });

  it("names the folder when its files are missing, when it is made rather than on a request", () => {
    expect(() => webPage({ directory: "/nonexistent/web" })).toThrow(
      "web page: cannot read /nonexistent/web/index.html (ENOENT)",
    );
  });
});
