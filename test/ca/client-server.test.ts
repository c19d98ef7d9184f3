// Our client against our server over loopback: every request kind, conversions the server
// makes, monitors with masks, large arrays and a server that restarts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CaAlarmSeverity,
  CaAlarmStatus,
  CaClient,
  CaServer,
  CaStatusError,
  CaTimeoutError,
  DBE,
  DBR,
  ECA,
  SoftPv,
  pvProvider,
  type CaPv,
  type DbrData,
} from "../../src/ca/index.js";

const serverEnv = {
  EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
  EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
  EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
};

function clientEnv(port: number): Record<string, string> {
  return {
    EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CA_REPEATER_PORT: String(port + 1),
    EPICS_CA_MAX_ARRAY_BYTES: String(2 ** 24),
  };
}

/** Collects monitor updates and resolves waits for the one that `accept` takes. */
class Updates {
  readonly seen: DbrData[] = [];
  #waiters: Array<{ accept: (d: DbrData) => boolean; resolve: (d: DbrData) => void }> = [];
  readonly listener = (data: DbrData): void => {
    this.seen.push(data);
    this.#waiters = this.#waiters.filter((w) => !(w.accept(data) && (w.resolve(data), true)));
  };
  next(accept: (d: DbrData) => boolean): Promise<DbrData> {
    return new Promise((resolve) => this.#waiters.push({ accept, resolve }));
  }
}

const first = (data: DbrData): unknown => data.value[0];

describe("our CA client against our CA server", () => {
  const temperature = new SoftPv({
    value: 21.5,
    metadata: {
      units: "degC",
      precision: 2,
      lowerDisplayLimit: 0,
      upperDisplayLimit: 100,
      upperAlarmLimit: 90,
      upperWarningLimit: 80,
      lowerWarningLimit: 10,
      lowerAlarmLimit: 5,
      lowerControlLimit: 0,
      upperControlLimit: 50,
    },
  });
  const mode = new SoftPv({ value: 0, metadata: { enumStrings: ["Idle", "Ramp", "Hold"] } });
  const wave = new SoftPv({ value: Float64Array.from({ length: 100_000 }, (_, i) => i / 4) });
  const label = new SoftPv({ value: "run 7", writable: false });
  let finish!: () => void;
  const motor = new SoftPv({
    value: 0,
    onWrite: () => new Promise<void>((resolve) => (finish = resolve)),
  });
  const pvs = new Map<string, CaPv>([
    ["t:temp", temperature],
    ["t:mode", mode],
    ["t:wave", wave],
    ["t:label", label],
    ["t:motor", motor],
  ]);
  let server: CaServer;
  let client: CaClient;

  beforeAll(async () => {
    server = new CaServer({ provider: pvProvider(pvs), env: serverEnv, port: 0 });
    await server.start();
    client = new CaClient({ env: clientEnv(server.udpPort), timeout: 5 });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it("gets the value in the plain, TIME and CTRL forms", async () => {
    const channel = client.channel("t:temp");
    expect(first(await channel.get())).toBe(21.5);
    expect(channel.nativeType).toBe(DBR.DOUBLE);
    const time = await channel.get({ type: "time" });
    expect(time.timestamp).toEqual(temperature.read().timestamp);
    expect(time).toMatchObject({ status: 0, severity: 0 });
    const ctrl = await channel.get({ type: "ctrl" });
    expect(ctrl).toMatchObject({
      units: "degC",
      precision: 2,
      upperAlarmLimit: 90,
      lowerWarningLimit: 10,
      upperControlLimit: 50,
    });
  });

  it("the server converts: a double as a string with its precision, an enum as its state", async () => {
    expect(first(await client.channel("t:temp").get({ type: DBR.STRING }))).toBe("21.50");
    expect(first(await client.channel("t:mode").get({ type: DBR.STRING }))).toBe("Idle");
    const ctrl = await client.channel("t:mode").get({ type: "ctrl" });
    expect(ctrl.enumStrings).toEqual(["Idle", "Ramp", "Hold"]);
  });

  it("puts a number, a state string, and waits for a put to complete", async () => {
    await client.channel("t:mode").put("Hold", { wait: true });
    expect([...mode.value]).toEqual([2]);
    const motorChannel = client.channel("t:motor");
    let completed = false;
    const put = motorChannel.put(3.25, { wait: true }).then(() => (completed = true));
    await expect.poll(() => first({ value: motor.value })).toBe(3.25);
    expect(completed).toBe(false);
    finish();
    await put;
    expect(completed).toBe(true);
  });

  it("a put to a read-only PV is refused with ECA_NOWTACCESS, naming the PV", async () => {
    const channel = client.channel("t:label");
    await channel.connected();
    const error = await channel.put("other", { wait: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaStatusError);
    expect((error as CaStatusError).ecaStatus).toBe(ECA.NOWTACCESS);
    expect(String(error)).toContain("t:label");
  });

  it("monitors deliver every value posted, and only the events of their mask", async () => {
    const channel = client.channel("t:temp");
    const values = new Updates();
    const alarms = new Updates();
    const onValue = channel.monitor({ type: "time", mask: DBE.VALUE }, values.listener);
    const onAlarm = channel.monitor({ type: "time", mask: DBE.ALARM }, alarms.listener);
    await Promise.all([values.next(() => true), alarms.next(() => true)]);
    for (const value of [30, 31, 32]) {
      const arrived = values.next((d) => first(d) === value);
      temperature.post(value);
      await arrived;
    }
    const alarmed = alarms.next((d) => d.severity === CaAlarmSeverity.MINOR);
    temperature.post(undefined, { status: CaAlarmStatus.HIGH, severity: CaAlarmSeverity.MINOR });
    await alarmed;
    onValue.cancel();
    onAlarm.cancel();
    expect(values.seen.map(first)).toEqual([21.5, 30, 31, 32]);
    // The alarm monitor saw its first update and the alarm change, not the value changes.
    expect(alarms.seen.map((d) => d.severity)).toEqual([0, CaAlarmSeverity.MINOR]);
  });

  it("a 100,000-element array arrives whole, as a Float64Array", async () => {
    const data = await client.channel("t:wave").get();
    expect(data.value).toBeInstanceOf(Float64Array);
    expect(data.value).toHaveLength(100_000);
    expect(data.value[99_999]).toBe(99_999 / 4);
    const part = await client.channel("t:wave").get({ count: 10 });
    expect([...part.value]).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25]);
  });

  it("a name nobody serves times out with an error naming it", async () => {
    const error = await client
      .channel("t:nobody")
      .get({ timeout: 0.3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaTimeoutError);
    expect(String(error)).toContain("t:nobody");
  });

  it("closing a monitored channel leaves the other channels of its circuit alone", async () => {
    const closing = client.channel("t:label");
    const staying = client.channel("t:temp");
    const updates = new Updates();
    closing.monitor({}, updates.listener);
    await updates.next(() => true);
    let disconnects = 0;
    staying.on("disconnect", () => disconnects++);
    await staying.connected();
    closing.close();
    // A round trip on the same circuit after the CLEAR_CHANNEL.
    expect(first(await staying.get())).toBeTypeOf("number");
    expect(disconnects).toBe(0);
    expect(server.circuits()[0]).toMatchObject({ subscriptions: 0 });
  });

  it("monitors resume when the server restarts on its port", async () => {
    const channel = client.channel("t:mode");
    const updates = new Updates();
    const subscription = channel.monitor({}, updates.listener);
    await updates.next(() => true);
    const disconnected = new Promise<void>((resolve) => channel.on("disconnect", () => resolve()));
    const port = server.udpPort;
    await server.close();
    await disconnected;
    mode.post(1);
    const back = updates.next((d) => first(d) === 1);
    server = new CaServer({ provider: pvProvider(pvs), env: serverEnv, port });
    await server.start();
    await back;
    expect(channel.isConnected).toBe(true);
    subscription.cancel();
  }, 20_000);
});
