import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";

const scanIdFile = z.object({ scan_id: z.number().int().nonnegative() });

/** The next scan_id: one more than the last, kept in `path` across sessions when given. */
export function nextScanId(path: string | undefined, last: number): number {
  if (path === undefined) return last + 1;
  let stored = 0;
  if (existsSync(path)) {
    const parsed = scanIdFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) throw new Error(`${path}: not a scan_id file: ${parsed.error.message}`);
    stored = parsed.data.scan_id;
  }
  const next = Math.max(stored, last) + 1;
  writeFileSync(path, `${JSON.stringify({ scan_id: next })}\n`);
  return next;
}
