// Runs EPICS base's own softIoc over calc records and reads them back with caget, so the
// CALC evaluator is checked against EPICS itself. Whether the peer is here (and the skip or
// CI failure when it is not) is peers.ts's call.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { caEnvironment, epicsFolder, startSoftIoc } from "./epics-peer.js";

const recordName = (index: number) => `calcpeer:${index}`;

function calcDatabase(expressions: readonly string[], fields: Readonly<Record<string, number>>) {
  const inputFields = Object.entries(fields)
    .map(([name, value]) => `field(${name}, "${value}") `)
    .join("");
  return expressions
    .map((calc, index) => {
      if (calc.includes('"')) throw new Error(`a CALC with a quote cannot go in a .db: ${calc}`);
      return `record(calc, "${recordName(index)}") { field(CALC, "${calc}") ${inputFields}field(PINI, "YES") }\n`;
    })
    .join("");
}

/** A softIoc serving the records; `refused` lists the expressions it would not load. */
interface IocRun {
  readonly loaded: boolean;
  readonly refused: ReadonlySet<number>;
  readonly port: number;
  readonly stop: () => void;
}

async function startIoc(database: string, directory: string): Promise<IocRun> {
  const file = join(directory, "calc.db");
  writeFileSync(file, database);
  const ioc = await startSoftIoc(file, { timeoutMs: 15_000 });
  const refused = new Set<number>();
  for (const match of ioc.output().matchAll(/Can't set "calcpeer:(\d+)\.CALC"/g))
    refused.add(Number(match[1]));
  return { loaded: ioc.ready, refused, port: ioc.port, stop: ioc.stop };
}

function parseCaValue(text: string): number {
  const word = text.trim().toLowerCase();
  if (word === "nan" || word === "-nan") return NaN;
  if (word === "inf") return Infinity;
  if (word === "-inf") return -Infinity;
  const value = Number(word);
  if (Number.isNaN(value)) throw new Error(`caget gave ${JSON.stringify(text)}`);
  return value;
}

async function withDirectory<T>(use: (directory: string) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), "epics-calc-"));
  try {
    return await use(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** One calc record per expression over the given inputs, each VAL as EPICS computed it. */
export async function softIocCalcValues(
  expressions: readonly string[],
  inputs: Readonly<Record<string, number>>,
): Promise<number[]> {
  return withDirectory(async (directory) => {
    const ioc = await startIoc(calcDatabase(expressions, inputs), directory);
    try {
      if (!ioc.loaded) {
        const refused = [...ioc.refused].map((i) => expressions[i]);
        throw new Error(`softIoc refused ${JSON.stringify(refused)}`);
      }
      const names = expressions.map((_, index) => recordName(index));
      const { stdout } = await promisify(execFile)(
        join(epicsFolder, "bin", "caget"),
        ["-w", "5", "-t", "-g", "17", ...names],
        { env: caEnvironment(ioc.port) },
      );
      const values = stdout.trimEnd().split("\n").map(parseCaValue);
      if (values.length !== expressions.length) throw new Error(`caget gave:\n${stdout}`);
      return values;
    } finally {
      ioc.stop();
    }
  });
}

/** The expressions softIoc refuses to load as a calc record's CALC. */
export async function softIocRefusedCalcs(expressions: readonly string[]): Promise<string[]> {
  return withDirectory(async (directory) => {
    const ioc = await startIoc(calcDatabase(expressions, {}), directory);
    ioc.stop();
    return expressions.filter((_, index) => ioc.refused.has(index));
  });
}
