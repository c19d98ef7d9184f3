// Runs the steps against one IOC through pyepics and keeps what a client sees, without the
// time stamps that differ between any two runs.
import { type MonitorUpdate, PyEpicsClient, loopbackClientEnv } from "../../support/pyepics.js";
import type { Step } from "./steps.js";

export interface StepOutcome {
  readonly step: string;
  readonly seen: unknown;
}

const UNSTABLE = new Set([
  "timestamp",
  "elapsed",
  "posixseconds",
  "nanoseconds",
  "host",
  "access",
  "chid",
]);

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !UNSTABLE.has(key))
        .map(([key, v]) => [key, stable(v)]),
    );
  }
  return value;
}

function describe(step: Step): string {
  if ("get" in step) return `get ${step.get}${step.form ? ` (${step.form})` : ""}`;
  if ("put" in step)
    return `put ${step.put} = ${JSON.stringify(step.value)}${step.wait ? " (wait)" : ""}`;
  if ("sleep" in step) return `sleep ${step.sleep}`;
  if ("monitor" in step) return `monitor ${step.monitor}`;
  return "monitors";
}

export async function runSteps(port: number, steps: readonly Step[]): Promise<StepOutcome[]> {
  const client = new PyEpicsClient(loopbackClientEnv(port));
  const outcomes: StepOutcome[] = [];
  const updates = new Map<string, unknown[]>();
  try {
    for (const step of steps) {
      outcomes.push({ step: describe(step), seen: await runStep(client, step, updates) });
    }
  } finally {
    await client.close();
  }
  return outcomes;
}

async function runStep(
  client: PyEpicsClient,
  step: Step,
  updates: Map<string, unknown[]>,
): Promise<unknown> {
  try {
    if ("get" in step) {
      if (step.asString)
        return await client.request("caget", { pv: step.get, as_string: true, timeout: 2 });
      return stable(
        await client.request("metadata", { pv: step.get, form: step.form ?? "time", timeout: 2 }),
      );
    }
    if ("put" in step) {
      await client.request("caput", {
        pv: step.put,
        value: step.value,
        wait: step.wait ?? false,
        timeout: 10,
      });
      return "done";
    }
    if ("sleep" in step) {
      await new Promise((resolve) => setTimeout(resolve, step.sleep * 1000));
      return null;
    }
    if ("monitor" in step) {
      const seen: unknown[] = [];
      updates.set(step.monitor, seen);
      await client.camonitor(step.monitor, (u: MonitorUpdate) =>
        seen.push([u.value, u.status, u.severity]),
      );
      return null;
    }
    return Object.fromEntries(updates);
  } catch (error) {
    // Both IOCs must refuse alike; the wording of libca's errors is the same for both.
    return { error: (error as Error).message.replace(/\s+\(.*\)$/, "") };
  }
}
