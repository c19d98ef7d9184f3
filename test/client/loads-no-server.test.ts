// The client takes its item schemas from the server's wire-schema module, not from the
// server's index: importing it must load neither SQLite (better-sqlite3) nor Fastify. Each
// import runs in a fresh Node, which then lists the CommonJS packages it loaded; the
// server's index is the control that shows the listing sees both.
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The server packages that `entry` (a path from the project root) loads when imported. */
async function serverPackagesLoadedBy(entry: string): Promise<string[]> {
  const script = `
    import { createRequire } from "node:module";
    await import(${JSON.stringify(`./${entry}`)});
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const names = ["better-sqlite3", "fastify"].filter((name) =>
      loaded.some((path) => path.includes(\`/node_modules/\${name}/\`)),
    );
    console.log(JSON.stringify(names));
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    { cwd: root },
  );
  return JSON.parse(stdout) as string[];
}

describe("importing the client", () => {
  it("loads neither better-sqlite3 nor fastify", async () => {
    expect(await serverPackagesLoadedBy("src/client/index.ts")).toEqual([]);
  });

  it("is checked by a listing that does see them when the server is imported", async () => {
    expect(await serverPackagesLoadedBy("src/server/index.ts")).toEqual([
      "better-sqlite3",
      "fastify",
    ]);
  });
});
