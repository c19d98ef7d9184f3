// Headless Chromium for the web page's tests: the command-line screenshot and DOM dump, and
// a small DevTools client over --remote-debugging-pipe for pages that must wait for live data.
import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** Debian's /usr/bin/chromium, else `chromium` on PATH, else undefined. */
export function chromiumCommand(): string | undefined {
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  const found = spawnSync("chromium", ["--version"], { stdio: "ignore", timeout: 20_000 });
  return found.status === 0 ? "chromium" : undefined;
}

/**
 * The Chromium to test with; without one the tests skip with a line naming the Debian
 * package, but under CI=true a missing Chromium fails the run.
 */
export function chromiumForTests(): string | undefined {
  const command = chromiumCommand();
  if (command !== undefined) return command;
  if (process.env.CI === "true") {
    throw new Error("CI needs chromium (apt-get install chromium); .ci/run installs it");
  }
  console.warn("skipping tests that need chromium: apt-get install chromium");
  return undefined;
}

export const windowSize = { width: 1200, height: 900 };

function baseArguments(home: string): string[] {
  return [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    `--user-data-dir=${join(home, "profile")}`,
    `--window-size=${windowSize.width},${windowSize.height}`,
  ];
}

/** A fresh writable HOME for Chromium, which writes its profile and caches there. */
export function chromiumHome(): string {
  return mkdtempSync(join(tmpdir(), "hil-chromium-"));
}

/** Runs Chromium's command line on `url` with `extra` flags; resolves to what it printed. */
export function runChromium(
  command: string,
  home: string,
  extra: string[],
  url: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...baseArguments(home), ...extra, url], {
      env: { ...process.env, HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`chromium exited with ${code}: ${Buffer.concat(err).toString()}`));
    });
  });
}

interface Reply {
  id?: number;
  sessionId?: string;
  method?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * Chromium driven over the DevTools protocol on its pipe (fd 3 in, fd 4 out, messages
 * ended by NUL), with one page.
 */
export class Browser {
  readonly #child: ChildProcess;
  readonly #input: Writable;
  readonly #pending = new Map<
    number,
    { resolve: (r: Reply) => void; reject: (e: Error) => void }
  >();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #buffer = Buffer.alloc(0);
  #session: string | undefined;
  #stderr = "";

  private constructor(command: string, home: string) {
    this.#child = spawn(
      command,
      [...baseArguments(home), "--remote-debugging-pipe", "about:blank"],
      {
        env: { ...process.env, HOME: home },
        stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
      },
    );
    this.#input = this.#child.stdio[3] as Writable;
    const output = this.#child.stdio[4] as Readable;
    output.on("data", (chunk: Buffer) => this.#receive(chunk));
    this.#child.stderr!.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    this.#exited = new Promise((resolve) => this.#child.on("close", () => resolve()));
    void this.#exited.then(() => {
      const error = new Error(`chromium exited: ${this.#stderr}`);
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    });
  }

  /** Starts Chromium and attaches to its page. */
  static async launch(command: string, home: string): Promise<Browser> {
    const browser = new Browser(command, home);
    const targets = await browser.send("Target.getTargets");
    const infos = targets.targetInfos as Array<{ targetId: string; type: string }>;
    const page = infos.find((info) => info.type === "page");
    if (page === undefined) throw new Error("chromium opened no page");
    const attached = await browser.send("Target.attachToTarget", {
      targetId: page.targetId,
      flatten: true,
    });
    browser.#session = attached.sessionId as string;
    // The window's frame takes some of --window-size: the page gets the whole size instead.
    await browser.send(
      "Emulation.setDeviceMetricsOverride",
      {
        ...windowSize,
        deviceScaleFactor: 1,
        mobile: false,
      },
      true,
    );
    await browser.send("Page.enable", {}, true);
    await browser.send("Runtime.enable", {}, true);
    return browser;
  }

  /** Loads `url` and resolves once its load event fired. */
  async open(url: string): Promise<void> {
    const loaded = this.#event("Page.loadEventFired");
    const navigated = await this.send("Page.navigate", { url }, true);
    if (typeof navigated.errorText === "string") {
      throw new Error(`cannot open ${url}: ${navigated.errorText}`);
    }
    await loaded;
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.send(
      "Runtime.evaluate",
      { expression, awaitPromise: true, returnByValue: true },
      true,
    );
    const thrown = answer.exceptionDetails as { exception?: { description?: string } } | undefined;
    if (thrown !== undefined) {
      throw new Error(`in the page: ${thrown.exception?.description ?? JSON.stringify(thrown)}`);
    }
    return (answer.result as { value: T }).value;
  }

  /**
   * Resolves once `predicate` (a JavaScript expression over the page's DOM) is true: it is
   * checked now and after each change of the document.
   */
  async waitFor(predicate: string): Promise<void> {
    await this.evaluate(`new Promise((resolve) => {
      const holds = () => Boolean(${predicate});
      if (holds()) return resolve(true);
      const observer = new MutationObserver(() => {
        if (holds()) { observer.disconnect(); resolve(true); }
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    })`);
  }

  /** Clicks the element `selector` names. */
  async click(selector: string): Promise<void> {
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).click()`);
  }

  /** The page's DOM as HTML. */
  html(): Promise<string> {
    return this.evaluate<string>("document.documentElement.outerHTML");
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Buffer> {
    const shot = await this.send("Page.captureScreenshot", { format: "png" }, true);
    return Buffer.from(shot.data as string, "base64");
  }

  async close(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.send("Browser.close").catch(() => undefined);
    }
    await this.#exited;
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    inPage = false,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const message = inPage
      ? { id, method, params, sessionId: this.#session }
      : { id, method, params };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (reply) => {
          if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
          else resolve(reply.result ?? {});
        },
        reject,
      });
      this.#input.write(JSON.stringify(message) + "\0");
    });
  }

  readonly #listeners = new Set<(reply: Reply) => void>();

  #event(method: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (reply: Reply) => {
        if (reply.method !== method) return;
        this.#listeners.delete(listener);
        resolve();
      };
      this.#listeners.add(listener);
    });
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (let end = this.#buffer.indexOf(0); end >= 0; end = this.#buffer.indexOf(0)) {
      const reply = JSON.parse(this.#buffer.subarray(0, end).toString("utf8")) as Reply;
      this.#buffer = this.#buffer.subarray(end + 1);
      if (reply.id !== undefined) {
        const waiter = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        waiter?.resolve(reply);
      } else {
        for (const listener of [...this.#listeners]) listener(reply);
      }
    }
  }
}
