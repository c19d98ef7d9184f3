import { realClock } from "../core/index.js";
import { SerialTransport } from "../transports/index.js";
import {
  Eurotherm3200Emulator,
  Keithley6485Emulator,
  LakeShore336Emulator,
  Smc100Emulator,
} from "../../sim/index.js";
import { ptyLink } from "./pty-link.js";
import { UsageError } from "./usage-error.js";

export interface EmulateOptions {
  /** Where the driver's end of the pty pair appears (serial instruments). */
  link?: string;
  /** TCP port of an emulator reached over the network (default: a free one). */
  port?: number;
}

/** The emulators `hil emulate` can start, by the driver name a config uses. */
const emulators: Record<string, (options: EmulateOptions) => Promise<() => Promise<void>>> = {
  "newport.smc100": async ({ link }) => {
    const pty = await ptyLink(link);
    const emulator = new Smc100Emulator({
      transport: new SerialTransport({ path: pty.device, baudRate: 57600 }),
      clock: realClock,
    });
    await emulator.start();
    console.log(
      `SMC100 emulator (address 1) on ${pty.client}: transport {type: serial, path: ${pty.client}, baud: 57600}`,
    );
    return async () => {
      await emulator.close();
      pty.close();
    };
  },
  "keithley.6485": async ({ link }) => {
    const pty = await ptyLink(link);
    const emulator = new Keithley6485Emulator({
      transport: new SerialTransport({ path: pty.device, baudRate: 9600 }),
      clock: realClock,
      current: 1.5e-9,
      noise: 1e-12,
    });
    await emulator.start();
    console.log(
      `Keithley 6485 emulator (1.5 nA) on ${pty.client}: transport {type: serial, path: ${pty.client}, baud: 9600}`,
    );
    return async () => {
      await emulator.close();
      pty.close();
    };
  },
  // Both of the instrument's ports at once, on one instrument: USB (a pty) and Ethernet (TCP).
  "lakeshore.336": async ({ link, port }) => {
    const pty = await ptyLink(link);
    const emulator = new LakeShore336Emulator({
      transport: new SerialTransport({
        path: pty.device,
        baudRate: 57600,
        dataBits: 7,
        parity: "odd",
      }),
      clock: realClock,
    });
    await emulator.start();
    const listener = await emulator.serveTcp(port ? { port } : {});
    console.log(
      `Lake Shore 336 emulator (inputs A and B heated by outputs 1 and 2, at 77 K) on ${pty.client} ` +
        `and 127.0.0.1:${listener.port}: transport {type: serial, path: ${pty.client}, baud: 57600, ` +
        `dataBits: 7, parity: odd} or {type: tcp, host: 127.0.0.1, port: ${listener.port}}`,
    );
    return async () => {
      await listener.close();
      await emulator.close();
      pty.close();
    };
  },
  "eurotherm.3200": async ({ port }) => {
    const emulator = await Eurotherm3200Emulator.start({
      clock: realClock,
      ...(port ? { port } : {}),
    });
    console.log(
      `Eurotherm 3200 emulator on 127.0.0.1:${emulator.port}: transport {type: modbus-tcp, host: 127.0.0.1, port: ${emulator.port}, unitId: 1}`,
    );
    return () => emulator.stop();
  },
};

export const emulatedDrivers = Object.keys(emulators);

/** `hil emulate <driver>`: an instrument's emulator, reachable as the real thing, until Ctrl-C. */
export async function emulateCommand(driver: string, options: EmulateOptions): Promise<number> {
  const start = emulators[driver];
  if (!start)
    throw new UsageError(`no emulator for ${driver}; there are: ${emulatedDrivers.join(", ")}`);
  const stop = await start(options);
  console.log("Ctrl-C stops it.");
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await stop();
  return 0;
}
