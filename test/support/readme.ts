// A README section as tests run it: the text under a `## ` title up to the next one, and the
// lines of its sh blocks with their comments removed, as a reader would type them.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

export interface ReadmeSection {
  readonly text: string;
  readonly shellLines: readonly string[];
}

export function readmeSection(title: string): ReadmeSection {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf(title);
  if (start < 0) throw new Error(`README.md has no section "${title}"`);
  const end = readme.indexOf("\n## ", start + title.length);
  const text = readme.slice(start, end < 0 ? undefined : end);
  const shellLines = [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((block) => block[1]!.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
  return { text, shellLines };
}
