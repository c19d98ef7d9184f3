// The motor record served over CA to EPICS base's own client library (libca through pyepics),
// on the real clock: what ophyd's EpicsMotor and `caput -c` rely on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaServer } from "../../../src/ca/index.js";
import { realClock } from "../../../src/core/index.js";
import { checkDatabase, DatabaseLoader } from "../../../src/ioc/db/index.js";
import { IocDatabase, IocProvider } from "../../../src/ioc/records/index.js";
import { motorSupport } from "../../../src/ioc/records/types/motor.js";
import { pyepics } from "../../support/peers.js";
import { loopbackClientEnv, type MonitorUpdate, PyEpicsClient } from "../../support/pyepics.js";

const DB = `record(motor, "m1") {
  field(DESC, "sample x") field(EGU, "mm") field(PREC, "4")
  field(VELO, "5") field(ACCL, "0.1") field(MRES, "0.0001") field(RDBD, "0.0005")
  field(DHLM, "10") field(DLLM, "-10")
}`;

/** ophyd's EpicsMotor components and the record fields they read. */
const OPHYD_FIELDS = {
  user_readback: "RBV",
  user_setpoint: "VAL",
  user_offset: "OFF",
  user_offset_dir: "DIR",
  offset_freeze_switch: "FOFF",
  set_use_switch: "SET",
  velocity: "VELO",
  acceleration: "ACCL",
  motor_egu: "EGU",
  motor_is_moving: "MOVN",
  motor_done_move: "DMOV",
  high_limit_switch: "HLS",
  low_limit_switch: "LLS",
  high_limit_travel: "HLM",
  low_limit_travel: "LLM",
  direction_of_travel: "TDIR",
  motor_stop: "STOP",
  home_forward: "HOMF",
  home_reverse: "HOMR",
} as const;

describe.skipIf(!pyepics().available)("the motor record with pyepics (libca) as the client", () => {
  let db: IocDatabase;
  let server: CaServer;
  let client: PyEpicsClient;

  beforeAll(async () => {
    const loader = new DatabaseLoader({ files: { read: () => undefined } });
    loader.loadText(DB, "motor.db");
    checkDatabase(loader.database, loader.problems);
    loader.problems.throwIfAny();
    db = new IocDatabase(loader.database, {
      clock: realClock,
      supports: { motor: motorSupport() },
    });
    db.start();
    server = new CaServer({
      provider: new IocProvider(db),
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1" },
      clock: realClock,
    });
    await server.start();
    client = new PyEpicsClient(loopbackClientEnv(server.udpPort));
    await client.started;
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await server?.close();
    db?.stop();
  });

  const caget = (field: string, asString = false): Promise<unknown> =>
    client.request("caget", { pv: `m1.${field}`, as_string: asString });

  it("caput(VAL, wait=True) returns when DMOV is 1 with RBV within RDBD", async () => {
    const dmov: number[] = [];
    const clear = await client.camonitor("m1.DMOV", (update: MonitorUpdate) =>
      dmov.push(Number(update.value)),
    );
    // pyepics's camonitor reports changes only: give the subscription time to be made.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const put = await client.request<{ elapsed: number }>("caput", {
      pv: "m1.VAL",
      value: 2,
      wait: true,
    });
    expect(put.elapsed).toBeGreaterThan(0.3);
    expect(await caget("DMOV")).toBe(1);
    expect(await caget("MOVN")).toBe(0);
    const rbv = Number(await caget("RBV"));
    expect(Math.abs(rbv - 2)).toBeLessThanOrEqual(Number(await caget("RDBD")));
    await clear();
    expect(dmov).toEqual([0, 1]);
  }, 20_000);

  it("a limit violation sets LVIO and moves nothing", async () => {
    const before = Number(await caget("RBV"));
    const target = Number(await caget("VAL"));
    const put = await client.request<{ elapsed: number }>("caput", {
      pv: "m1.VAL",
      value: 50,
      wait: true,
    });
    expect(put.elapsed).toBeLessThan(1);
    expect(await caget("LVIO")).toBe(1);
    expect(await caget("DMOV")).toBe(1);
    expect(Number(await caget("RBV"))).toBe(before);
    expect(Number(await caget("VAL"))).toBe(target);
  }, 20_000);

  it("serves every field ophyd's EpicsMotor reads, VAL with HLM/LLM as control limits", async () => {
    const values: Record<string, unknown> = {};
    for (const field of Object.values(OPHYD_FIELDS)) values[field] = await caget(field);
    expect(values).toMatchObject({
      VELO: 5,
      ACCL: 0.1,
      EGU: "mm",
      DMOV: 1,
      MOVN: 0,
      HLM: 10,
      LLM: -10,
      DIR: 0,
      SET: 0,
      FOFF: 0,
      HLS: 0,
      LLS: 0,
      STOP: 0,
    });
    expect(await caget("DIR", true)).toBe("Pos");
    const ctrl = await client.request("metadata", { pv: "m1.VAL", form: "ctrl" });
    expect(ctrl).toMatchObject({
      units: "mm",
      precision: 4,
      upper_ctrl_limit: 10,
      lower_ctrl_limit: -10,
    });
    const rbv = await client.request("metadata", { pv: "m1.RBV", form: "ctrl" });
    expect(rbv).toMatchObject({ precision: 4, severity: 0 });
  }, 20_000);

  it("STOP during a caput with wait ends the motion there, and the caput returns", async () => {
    const moving = client.request<{ elapsed: number }>("caput", {
      pv: "m1.VAL",
      value: -8,
      wait: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await client.request("caput", { pv: "m1.STOP", value: 1 });
    const put = await moving;
    expect(put.elapsed).toBeLessThan(1.5);
    const rbv = Number(await caget("RBV"));
    expect(rbv).toBeGreaterThan(-8);
    expect(Number(await caget("VAL"))).toBe(rbv);
    expect(await caget("DMOV")).toBe(1);
  }, 20_000);
});
