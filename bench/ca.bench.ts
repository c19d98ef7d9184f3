// Channel Access over loopback: gets, puts, put-callbacks and monitor updates per second,
// our client against pyepics (EPICS base's libca) on the same server, in the same run. The
// server is our IOC serving the records softIoc serves below, in a process of its own; each client issues one request at a time, as a
// script does, and a second process writes as fast as it can while a client monitors. The
// clients take turns over three rounds, each figure the median; pyepics's runs on the
// different servers are cut in slices that take turns too.
// A ceiling is measured too: pyepics against a server that does no work (canned replies),
// the most any server could give pyepics here; "of ceiling" is our server's share of it.
// And the reference: pyepics against EPICS base's softIoc serving the same .db ("vs softIoc"
// is pyepics's rate on our IOC over its rate on softIoc).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { CaClient, type CaChannel } from "../src/ca/index.js";
import { pyepics } from "../test/support/peers.js";
import { PyEpicsClient, loopbackClientEnv } from "../test/support/pyepics.js";
import { ARRAY_LENGTH, epicsFolder, softIocAvailable, startSoftIoc } from "./ca-softioc.js";
import { printTable } from "./table.js";

const ARRAY_BYTES = ARRAY_LENGTH * 8;
const ROUNDS = 3;
/** Each pyepics run is cut in this many slices, the servers' slices taking turns. */
const SLICES = 10;

function median(values: number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

interface Row {
  name: string;
  n: number;
  /** Seconds of our client, and of pyepics (undefined without it), on our server. */
  ours: number;
  theirs: number | undefined;
  /** Seconds of pyepics against the canned server, where measured. */
  ceiling?: number | undefined;
  /** Seconds of pyepics against softIoc (undefined without it). */
  softIoc?: number | undefined;
  target: number;
  /** Bytes per operation, for a MB/s column. */
  bytes?: number;
  note?: string;
}

interface BenchServer {
  port: number;
  process: ChildProcess;
}

async function startServer(script: string): Promise<BenchServer> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { port: (JSON.parse(line) as { port: number }).port, process: child };
}

async function seconds(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

async function repeat(n: number, once: (i: number) => Promise<unknown>): Promise<number> {
  return seconds(async () => {
    for (let i = 0; i < n; i++) await once(i);
  });
}

interface Bench {
  n: number;
  seconds: number;
}

/** Updates our client's monitor delivers while `writer` puts n values as fast as it can. */
async function oursMonitor(channel: CaChannel, writer: PyEpicsClient, n: number, from: number) {
  const last = from + n - 1;
  let count = 0;
  let first = 0;
  let end = 0;
  let arrived!: () => void;
  const done = new Promise<void>((resolve) => (arrived = resolve));
  let ready!: () => void;
  const subscribed = new Promise<void>((resolve) => (ready = resolve));
  const subscription = channel.monitor({}, (data) => {
    const value = (data.value as Float64Array)[0]!;
    if (value < from) return ready(); // the current value, first
    if (count++ === 0) first = performance.now();
    if (value === last) {
      end = performance.now();
      arrived();
    }
  });
  await subscribed;
  await writer.request("bench", { pv: "bench:monitor", kind: "put", n, value: from });
  await done;
  subscription.cancel();
  return { n: count, seconds: (end - first) / 1000 };
}

async function theirsMonitor(
  monitor: PyEpicsClient,
  writer: PyEpicsClient,
  n: number,
  from: number,
) {
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const counted = monitor.request<{ n: number; seconds: number; complete: boolean }>(
    "count_updates",
    { pv: "bench:monitor", first: from, last: from + n - 1, timeout: 60 },
    ready,
  );
  await listening;
  await writer.request("bench", { pv: "bench:monitor", kind: "put", n, value: from });
  return counted;
}

/** softIoc's waveform starts empty: give it the values ca-bench-server.ts serves. */
async function fillSoftIocArray(port: number): Promise<void> {
  const env = { ...loopbackClientEnv(port), EPICS_CA_MAX_ARRAY_BYTES: String(2 ** 24) };
  const client = new CaClient({ env });
  try {
    const wave = client.channel("bench:wave");
    await wave.connected();
    await wave.put(
      Float64Array.from({ length: ARRAY_LENGTH }, (_, i) => i),
      { wait: true },
    );
  } finally {
    await client.close();
  }
}

export async function caBench(): Promise<void> {
  const server = await startServer("bench/ca-bench-server.ts");
  const canned = await startServer("bench/ca-canned-server.ts");
  const env = loopbackClientEnv(server.port);
  const client = new CaClient({ env: { ...env, EPICS_CA_MAX_ARRAY_BYTES: String(2 ** 24) } });
  const withPyepics = pyepics().available;
  const theirs = withPyepics ? new PyEpicsClient(env) : undefined;
  const writer = withPyepics ? new PyEpicsClient(env) : undefined;
  const atCeiling = withPyepics ? new PyEpicsClient(loopbackClientEnv(canned.port)) : undefined;
  let skipReference = `no EPICS base in ${epicsFolder}`;
  const reference =
    withPyepics && softIocAvailable()
      ? await startSoftIoc().catch((error: unknown) => {
          skipReference = error instanceof Error ? error.message : String(error);
          return undefined;
        })
      : undefined;
  const onSoftIoc = reference && new PyEpicsClient(loopbackClientEnv(reference.port));
  const softIocWriter = reference && new PyEpicsClient(loopbackClientEnv(reference.port));
  try {
    if (onSoftIoc) await fillSoftIocArray(reference!.port);
    const [double, wave, put, monitored] = ["double", "wave", "put", "monitor"].map((name) =>
      client.channel(`bench:${name}`),
    ) as [CaChannel, CaChannel, CaChannel, CaChannel];
    await Promise.all([double, wave, put, monitored].map((c) => c.connected()));
    /**
     * Seconds each pyepics client takes for n requests, the clients taking turns slice by
     * slice: a busy moment of the machine then weighs on every server alike.
     */
    const pyBench = async (
      kind: string,
      pv: string,
      n: number,
      clients: ReadonlyArray<PyEpicsClient | undefined>,
    ): Promise<Array<number | undefined>> => {
      const present = clients.filter((py) => py !== undefined);
      for (const py of present) await py.request("bench", { pv, kind, n: Math.min(n, 200) });
      const total: Array<number | undefined> = clients.map((py) => (py ? 0 : undefined));
      const slice = Math.ceil(n / SLICES);
      for (let done = 0; done < n; done += slice) {
        for (const [i, py] of clients.entries()) {
          if (!py) continue;
          const part = Math.min(slice, n - done);
          const { seconds } = await py.request<Bench>("bench", { pv, kind, n: part });
          total[i] = (total[i] ?? 0) + seconds;
        }
      }
      return total;
    };
    const ourBench = async (n: number, once: (i: number) => Promise<unknown>) => {
      await repeat(Math.min(n, 200), once); // warm up
      return repeat(n, once);
    };

    // The clients take turns, ROUNDS times, and each keeps its median: a slow moment of the
    // machine then does not decide a ratio.
    const turns = async (
      n: number,
      ours: (i: number) => Promise<unknown>,
      kind: string,
      pv: string,
      withCeiling: boolean,
    ): Promise<Pick<Row, "ours" | "theirs" | "ceiling" | "softIoc">> => {
      const times = { ours: [] as number[], theirs: [] as number[], ceiling: [] as number[] };
      const reference: number[] = [];
      const add = (to: number[], seconds: number | undefined): void => {
        if (seconds !== undefined) to.push(seconds);
      };
      for (let round = 0; round < ROUNDS; round++) {
        times.ours.push(await ourBench(n, ours));
        const [py, onReference, top] = await pyBench(kind, pv, n, [
          theirs,
          onSoftIoc,
          withCeiling ? atCeiling : undefined,
        ]);
        add(times.theirs, py);
        add(reference, onReference);
        add(times.ceiling, top);
      }
      return {
        ours: median(times.ours)!,
        theirs: median(times.theirs),
        ceiling: median(times.ceiling),
        softIoc: median(reference),
      };
    };
    const rows: Row[] = [];
    const gets = 10_000;
    rows.push({
      name: "get, double",
      n: gets,
      ...(await turns(gets, () => double.get(), "get", "bench:double", true)),
      target: 5_400,
    });
    const arrays = 300;
    rows.push({
      name: "get, 100,000 doubles",
      n: arrays,
      ...(await turns(arrays, () => wave.get(), "get_array", "bench:wave", true)),
      target: 1_000,
      bytes: ARRAY_BYTES,
    });
    const puts = 10_000;
    const putOnce = async (i: number): Promise<void> => {
      await put.put(i);
      if (i === puts - 1) await put.get(); // every put has reached the server
    };
    rows.push({
      name: "put, double",
      n: puts,
      ...(await turns(puts, putOnce, "put", "bench:put", false)),
      target: 5_500,
    });
    const callbacks = 5_000;
    rows.push({
      name: "put with callback",
      n: callbacks,
      ...(await turns(callbacks, (i) => put.put(i, { wait: true }), "put_wait", "bench:put", true)),
      target: 3_800,
    });
    if (writer && theirs) {
      // The writer's values only ever grow, so each monitor tells its run's from the rest.
      const n = 10_000;
      let from = 1_000_000;
      const ours: Array<{ n: number; seconds: number }> = [];
      const their: Array<{ n: number; seconds: number }> = [];
      const reference: Array<{ n: number; seconds: number }> = [];
      for (let round = 0; round < ROUNDS; round++) {
        ours.push(await oursMonitor(monitored, writer, n, from));
        from += n;
        their.push(await theirsMonitor(theirs, writer, n, from));
        from += n;
        if (onSoftIoc && softIocWriter) {
          reference.push(await theirsMonitor(onSoftIoc, softIocWriter, n, from));
          from += n;
        }
      }
      const delivered = (runs: Array<{ n: number }>): string =>
        `${Math.min(...runs.map((r) => r.n))}/${n}`;
      const onReference = reference.length > 0 ? `, ${delivered(reference)} on softIoc` : "";
      rows.push({
        name: "monitor updates",
        n,
        ours: median(ours.map((r) => r.seconds))!,
        theirs: median(their.map((r) => r.seconds)),
        softIoc: median(reference.map((r) => r.seconds)),
        target: 3_500,
        note: `delivered at least ${delivered(ours)} and ${delivered(their)} per run${onReference}`,
      });
    }

    const rate = (n: number, s: number | undefined): string =>
      s === undefined ? "-" : Math.round(n / s).toLocaleString("en");
    const mbps = (row: Row, s: number | undefined): string =>
      row.bytes && s ? ` (${Math.round((row.n * row.bytes) / s / 1e6)} MB/s)` : "";
    printTable(
      [
        "per second, loopback",
        "ours",
        "pyepics",
        "ours / pyepics",
        "target (pyepics)",
        "pyepics on softIoc",
        "vs softIoc",
        "pyepics, ceiling",
        "of ceiling",
        "note",
      ],
      rows.map((row) => [
        row.name,
        rate(row.n, row.ours) + mbps(row, row.ours),
        rate(row.n, row.theirs) + mbps(row, row.theirs),
        row.theirs === undefined ? "-" : (row.theirs / row.ours).toFixed(2),
        row.target.toLocaleString("en"),
        rate(row.n, row.softIoc) + mbps(row, row.softIoc),
        row.softIoc && row.theirs ? (row.softIoc / row.theirs).toFixed(2) : "-",
        rate(row.n, row.ceiling),
        row.ceiling && row.theirs ? (row.ceiling / row.theirs).toFixed(2) : "-",
        row.note ?? "",
      ]),
    );
    if (!withPyepics)
      console.log("(pyepics rows need python3-pyepics: apt-get install python3-pyepics)");
    else if (!reference) console.log(`(softIoc rows skipped: ${skipReference})`);
  } finally {
    await client.close();
    await theirs?.close();
    await writer?.close();
    await atCeiling?.close();
    await onSoftIoc?.close();
    await softIocWriter?.close();
    await reference?.close();
    server.process.stdin?.end();
    canned.process.stdin?.end();
  }
}
