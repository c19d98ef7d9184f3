import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

export interface WebPageOptions {
  /** The page's title and heading. */
  title?: string;
  /** Where index.html, app.js and app.css are; the `static` folder beside this module by default. */
  directory?: string;
}

/** The files of the page, by URL, with their media types. */
const files = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
} as const;

export const defaultWebDirectory = fileURLToPath(new URL("./static/", import.meta.url));

/**
 * The queue server's web page, as a plugin of `createQueueHttpServer({ plugins })`: `GET /`
 * and its script and style. The page itself holds no data and needs no key; it calls the
 * API with the key given in its own URL (`/?api_key=KEY`). The files are read when the plugin
 * is made, so a missing file is an error at start-up, not on the first request.
 */
export function webPage(options: WebPageOptions = {}): (app: FastifyInstance) => void {
  const directory = options.directory ?? defaultWebDirectory;
  const title = escapeHtml(options.title ?? "HIL queue server");
  const bodies = Object.entries(files).map(([url, { file, type }]) => {
    const path = join(directory, file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(
        `web page: cannot read ${path} (${why}); webPage({ directory }) names the folder`,
        { cause: error },
      );
    }
    return { url, type, body: file === "index.html" ? text.replaceAll("{{title}}", title) : text };
  });
  return (app) => {
    for (const { url, type, body } of bodies) {
      app.get(url, (_request, reply) =>
        reply.type(type).header("cache-control", "no-cache").send(body),
      );
    }
  };
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
  };
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}
