// Our server against a second independent client: the npm package epics-tca (pure
// JavaScript), over loopback. It takes no host:port in EPICS_CA_ADDR_LIST, so the search
// port comes from EPICS_CA_SERVER_PORT.
import {
  Channel_DBR_TYPES,
  Context,
  type_log_levels,
  type Channel,
  type ChannelMonitor,
} from "epics-tca";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaServer, SoftPv, pvProvider } from "../../../src/ca/index.js";

describe("our CA server with epics-tca as the client", () => {
  const ai = new SoftPv({ value: 2.5, metadata: { units: "mm", precision: 2 } });
  let arrival!: () => void;
  const motor = new SoftPv({
    value: 0,
    onWrite: () => new Promise<void>((resolve) => (arrival = resolve)),
  });
  const mode = new SoftPv({ value: 0, metadata: { enumStrings: ["Off", "On"] } });
  const wave = new SoftPv({ value: Float64Array.from({ length: 5000 }, (_, i) => i) });
  let server: CaServer;
  let context: Context;

  async function channel(name: string): Promise<Channel> {
    const found = await context.createChannel(name, "ca", 5);
    if (!found) throw new Error(`epics-tca could not connect to ${name}`);
    return found;
  }

  beforeAll(async () => {
    server = new CaServer({
      provider: pvProvider({
        "tca:ai": ai,
        "tca:motor": motor,
        "tca:mode": mode,
        "tca:wave": wave,
      }),
      env: {
        EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
        EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
        EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
      },
      port: 0,
    });
    await server.start();
    context = new Context(
      {
        EPICS_CA_ADDR_LIST: "127.0.0.1",
        EPICS_CA_AUTO_ADDR_LIST: "NO",
        EPICS_CA_SERVER_PORT: String(server.udpPort),
        EPICS_CA_REPEATER_PORT: String(server.udpPort + 1),
      },
      type_log_levels.error,
    );
    await context.initialize();
  }, 20_000);

  afterAll(async () => {
    context?.destroyHard();
    await server?.close();
  });

  it("gets a double, its CTRL metadata, and an array", async () => {
    const ch = await channel("tca:ai");
    expect((await ch.get(5))?.value).toBe(2.5);
    const ctrl = await ch.get(5, Channel_DBR_TYPES.DBR_CTRL_DOUBLE);
    expect(ctrl).toMatchObject({ value: 2.5, units: "mm", precision: 2 });
    const array = await (await channel("tca:wave")).get(5);
    expect(array?.value).toHaveLength(5000);
    expect((array?.value as number[])[4999]).toBe(4999);
  });

  it("puts with a completion callback that waits for the write to finish", async () => {
    const ch = await channel("tca:motor");
    let done = false;
    const put = ch.put([12], 10, true).then((status) => {
      done = true;
      return status;
    });
    await expect.poll(() => [...motor.value][0], { timeout: 5000 }).toBe(12);
    expect(done).toBe(false);
    arrival();
    expect(await put).toBeDefined();
    expect(done).toBe(true);
  });

  it("reads an enum's states and monitors its changes", async () => {
    const ch = await channel("tca:mode");
    const ctrl = await ch.get(5, Channel_DBR_TYPES.DBR_CTRL_ENUM);
    // epics-tca lists all 16 state slots, the unused ones empty.
    expect(ctrl?.value).toBe(0);
    expect(ctrl?.strings?.filter(Boolean)).toEqual(["Off", "On"]);
    const seen: unknown[] = [];
    let on!: () => void;
    const switchedOn = new Promise<void>((resolve) => (on = resolve));
    await ch.createMonitor(5, (m: ChannelMonitor) => {
      const value = m.getChannel().getDbr().getValue();
      seen.push(value);
      if (value === 1) on();
    });
    mode.post(1);
    await switchedOn;
    expect(seen.at(-1)).toBe(1);
  });
});
