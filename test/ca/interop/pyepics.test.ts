// Our server against EPICS base's own client library: libca 4.13 through pyepics'
// caget, caput and camonitor, over loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CaAlarmSeverity,
  CaAlarmStatus,
  CaServer,
  DBR,
  SoftPv,
  epicsTimestampToUnix,
  pvProvider,
  type CaPv,
} from "../../../src/ca/index.js";
import { pyepics } from "../../support/peers.js";
import { PyEpicsClient, loopbackClientEnv, type MonitorUpdate } from "../../support/pyepics.js";

const loopbackServer = {
  EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
  EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
  EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
};

function serve(pvs: Map<string, CaPv>, port = 0): Promise<CaServer> {
  const server = new CaServer({ provider: pvProvider(pvs), env: loopbackServer, port });
  return server.start().then(() => server);
}

/** A promise and the functions that settle it, for writes the test completes by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves with the first monitor update that `accept` takes. */
function updateMatching(
  updates: MonitorUpdate[],
  accept: (u: MonitorUpdate) => boolean,
): { seen: Promise<MonitorUpdate>; listener: (u: MonitorUpdate) => void } {
  let found!: (u: MonitorUpdate) => void;
  const seen = new Promise<MonitorUpdate>((resolve) => (found = resolve));
  return {
    seen,
    listener: (u) => {
      updates.push(u);
      if (accept(u)) found(u);
    },
  };
}

describe.skipIf(!pyepics().available)("our CA server with pyepics (libca) as the client", () => {
  const ai = new SoftPv({
    value: 4.25,
    className: "ai",
    metadata: {
      units: "mm",
      precision: 3,
      lowerDisplayLimit: -10,
      upperDisplayLimit: 10,
      lowerAlarmLimit: -9,
      lowerWarningLimit: -8,
      upperWarningLimit: 8,
      upperAlarmLimit: 9,
      lowerControlLimit: -5,
      upperControlLimit: 5,
      status: CaAlarmStatus.HIGH,
      severity: CaAlarmSeverity.MINOR,
    },
  });
  const ao = new SoftPv({ value: 0, metadata: { precision: 2 } });
  const mode = new SoftPv({ value: 1, metadata: { enumStrings: ["Off", "Slow", "Fast"] } });
  const wave = new SoftPv({
    value: Float64Array.from({ length: 100_000 }, (_, i) => i * 0.5),
  });
  const name = new SoftPv({ value: "sample-17" });
  const counter = new SoftPv({ value: 0, nativeType: DBR.LONG });
  let arrival = deferred();
  const writesStarted: number[] = [];
  const motor = new SoftPv({
    value: 0,
    onWrite: ([target]) => {
      writesStarted.push(Number(target));
      return arrival.promise;
    },
  });
  const returning = new SoftPv({ value: 1 });
  const pvs = new Map<string, CaPv>([
    ["test:ai", ai],
    ["test:ao", ao],
    ["test:mode", mode],
    ["test:wave", wave],
    ["test:name", name],
    ["test:counter", counter],
    ["test:motor", motor],
    ["test:returning", returning],
  ]);
  let server: CaServer;
  let client: PyEpicsClient;

  beforeAll(async () => {
    server = await serve(pvs);
    client = new PyEpicsClient(loopbackClientEnv(server.udpPort));
    await client.started;
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it("caget gives the value, and the TIME form the alarm and the time stamp", async () => {
    expect(await client.request("caget", { pv: "test:ai" })).toBe(4.25);
    const time = await client.request<Record<string, unknown>>("metadata", {
      pv: "test:ai",
      form: "time",
    });
    const stamp = ai.read().timestamp!;
    expect(time).toMatchObject({
      value: 4.25,
      status: CaAlarmStatus.HIGH,
      severity: CaAlarmSeverity.MINOR,
      field_type: DBR.DOUBLE,
      element_count: 1,
    });
    expect(time.posixseconds).toBe(epicsTimestampToUnix({ ...stamp, nanoseconds: 0 }));
    expect(time.nanoseconds).toBe(stamp.nanoseconds);
  });

  it("the CTRL form carries units, precision and the display, alarm and control limits", async () => {
    const ctrl = await client.request("metadata", { pv: "test:ai", form: "ctrl" });
    expect(ctrl).toMatchObject({
      value: 4.25,
      units: "mm",
      precision: 3,
      lower_disp_limit: -10,
      upper_disp_limit: 10,
      lower_alarm_limit: -9,
      lower_warning_limit: -8,
      upper_warning_limit: 8,
      upper_alarm_limit: 9,
      lower_ctrl_limit: -5,
      upper_ctrl_limit: 5,
    });
  });

  it("reads a double as a string with its precision, a string and a long", async () => {
    expect(await client.request("caget", { pv: "test:ai", as_string: true })).toBe("4.250");
    expect(await client.request("caget", { pv: "test:name" })).toBe("sample-17");
    expect(await client.request("caget", { pv: "test:counter" })).toBe(0);
  });

  it("an enum reads as its state string, and a string put selects the state", async () => {
    expect(await client.request("caget", { pv: "test:mode", as_string: true })).toBe("Slow");
    const ctrl = await client.request("metadata", { pv: "test:mode", form: "ctrl" });
    expect(ctrl).toMatchObject({ enum_strs: ["Off", "Slow", "Fast"] });
    await client.request("caput", { pv: "test:mode", value: "Fast", wait: true });
    expect([...mode.value]).toEqual([2]);
    expect(await client.request("caget", { pv: "test:mode" })).toBe(2);
  });

  it("caput writes a double; a string put to a long is parsed", async () => {
    await client.request("caput", { pv: "test:ao", value: 3.5 });
    // A plain WRITE has no reply; a read on the same circuit comes after it.
    expect(await client.request("caget", { pv: "test:ao" })).toBe(3.5);
    expect([...ao.value]).toEqual([3.5]);
    await client.request("caput", { pv: "test:counter", value: "42", wait: true });
    expect([...counter.value]).toEqual([42]);
  });

  it("caput(wait=True) returns only when the write completes on the server", async () => {
    arrival = deferred();
    let returned = false;
    const put = client
      .request("caput", { pv: "test:motor", value: 7, wait: true, timeout: 20 })
      .then(() => (returned = true));
    await expect.poll(() => writesStarted.at(-1), { timeout: 10_000 }).toBe(7);
    // The client answers other requests meanwhile, and the put is still waiting.
    expect(await client.request("caget", { pv: "test:ao" })).toBe(3.5);
    expect(returned).toBe(false);
    arrival.resolve();
    await put;
    expect(returned).toBe(true);
    expect(await client.request("caget", { pv: "test:motor" })).toBe(7);
  });

  it("a 100,000-element double array arrives whole", async () => {
    const summary = await client.request("caget", { pv: "test:wave" });
    expect(summary).toEqual({
      length: 100_000,
      first: 0,
      last: 49_999.5,
      sum: 0.5 * ((99_999 * 100_000) / 2),
    });
    const ctrl = await client.request("metadata", { pv: "test:wave", form: "time" });
    expect(ctrl).toMatchObject({ element_count: 100_000, field_type: DBR.DOUBLE });
  });

  // pyepics' camonitor reports changes after it is set up, not the value it starts from.
  it("camonitor sees every value posted, in order", async () => {
    const updates: MonitorUpdate[] = [];
    let next = updateMatching(updates, () => false);
    const clear = await client.camonitor("test:counter", (u) => next.listener(u));
    const posted = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110];
    for (const value of posted) {
      next = updateMatching(updates, (u) => u.value === value);
      counter.post(value);
      await next.seen;
    }
    await clear();
    expect(updates.map((u) => u.value)).toEqual(posted);
    expect(updates.at(-1)).toMatchObject({ pv: "test:counter", severity: 0, char_value: "110" });
  });

  /** Sets up camonitor on test:returning and proves it live with a first posted value. */
  async function monitorReturning(value: number) {
    const updates: MonitorUpdate[] = [];
    let next = updateMatching(updates, () => false);
    const clear = await client.camonitor("test:returning", (u) => next.listener(u));
    next = updateMatching(updates, (u) => u.value === value);
    returning.post(value);
    await next.seen;
    return {
      clear,
      /** Resolves when `value` arrives. */
      arrival(value: number): Promise<MonitorUpdate> {
        next = updateMatching(updates, (u) => u.value === value);
        return next.seen;
      },
    };
  }

  // libca searches again for channels a server dropped on a 10 s governor (without a
  // repeater it hears no beacons that would make it sooner), so these take about 10 s.
  it("a PV the server drops (SERVER_DISCONN) reconnects when the client searches again", async () => {
    const monitor = await monitorReturning(2);
    expect(server.disconnectChannels("test:returning")).toBeGreaterThan(0);
    const back = monitor.arrival(3);
    returning.post(3);
    await back;
    await monitor.clear();
  }, 40_000);

  it("a server that goes away and comes back on its port is found again", async () => {
    const monitor = await monitorReturning(4);
    const port = server.udpPort;
    await server.close();
    const back = monitor.arrival(5);
    returning.post(5);
    server = await serve(pvs, port);
    await back;
    expect(await client.request("caget", { pv: "test:ai" })).toBe(4.25);
    await monitor.clear();
  }, 40_000);
});
