// The `sockets:` section of a config: which device signals the PyExpLabSys data sockets
// publish, checked with errors located in the YAML.
import type { DataSocketConfig, PublishedSignal } from "./config-schema.js";
import type { ProblemList } from "./config-error.js";
import { didYouMean } from "./config-error.js";
import type { RawSocketsSection } from "./read-config-tree.js";

const defaultSocketPorts = { date: 9000, data: 9010, push: 8500, live: 8000 } as const;
const forbiddenInCodenames = ["#", ",", ";", ":", "&"];

/**
 * The `sockets:` section checked: codenames PyExpLabSys accepts, signals of the config's
 * devices, a live server for each live socket, no two sockets on one address.
 */
export function socketsSectionOf(
  { section, source }: RawSocketsSection,
  known: readonly string[],
  problems: ProblemList,
): DataSocketConfig[] {
  const sockets: DataSocketConfig[] = [];
  const bound = new Map<string, string>();
  for (const [key, entry] of Object.entries(section)) {
    const at = ["sockets", key];
    const codenames = Object.entries(entry.codenames ?? {});
    if (entry.type === "push") {
      for (const field of ["codenames", "timeout", "period"] as const) {
        if (entry[field] !== undefined) {
          problems.add(
            source,
            [...at, field],
            `a push socket publishes no signals: no ${field}`,
            "key",
          );
        }
      }
    } else if (codenames.length === 0) {
      problems.add(
        source,
        at,
        `a ${entry.type} socket needs codenames: the signals it publishes`,
        "key",
      );
    }
    if (entry.type === "live" && !entry.liveServer) {
      problems.add(source, at, "a live socket needs a liveServer: {host, port} to send to", "key");
    }
    if (entry.type !== "live" && entry.liveServer) {
      problems.add(source, [...at, "liveServer"], "only a live socket has a liveServer", "key");
    }
    const signals: PublishedSignal[] = [];
    for (const [codename, published] of codenames) {
      const where = [...at, "codenames", codename];
      const bad = forbiddenInCodenames.find((char) => codename.includes(char));
      if (bad) {
        problems.add(
          source,
          where,
          `the character '${bad}' is not allowed in the codenames`,
          "key",
        );
      }
      const signal = typeof published === "string" ? published : published.signal;
      const timeout =
        typeof published === "string"
          ? (entry.timeout ?? null)
          : (published.timeout ?? entry.timeout ?? null);
      if (!known.some((device) => signal === device || signal.startsWith(`${device}_`))) {
        const hint = didYouMean(signal, known, ` (devices: ${known.join(", ") || "none"})`);
        const path = typeof published === "string" ? where : [...where, "signal"];
        problems.add(source, path, `no device has the signal "${signal}"${hint}`);
      }
      signals.push({ codename, signal, timeout });
    }
    const host = entry.host ?? "127.0.0.1";
    const port = entry.port ?? defaultSocketPorts[entry.type];
    const address = `${host}:${port}`;
    const other = bound.get(address);
    if (port !== 0 && other !== undefined) {
      problems.add(
        source,
        [...at, ...(entry.port === undefined ? [] : ["port"])],
        `socket "${other}" is already on ${address}`,
        entry.port === undefined ? "key" : "value",
      );
    }
    bound.set(address, key);
    sockets.push({
      key,
      type: entry.type,
      name: entry.name ?? key,
      host,
      port,
      period: entry.period ?? 1,
      signals,
      ...(entry.liveServer ? { liveServer: entry.liveServer } : {}),
    });
  }
  return sockets;
}
