// Register reads per second over TCP loopback against the Eurotherm emulator: ModbusClient
// (FIFO queue, timeouts, typed errors, reconnection) against a bare modbus-serial loop, the
// baseline, in the same run. Both read PV.IN (one holding register) one request at a time.
import modbusSerial from "modbus-serial";
import { Eurotherm3200Emulator } from "../sim/index.js";
import { ModbusClient, modbusSignalR } from "../src/transports/index.js";
import { printTable, timeIt } from "./table.js";

const READS = 1_000;
const CALLERS = 8;

export async function modbusBench(): Promise<void> {
  const emulator = await Eurotherm3200Emulator.start();
  const raw = new modbusSerial.default();
  await raw.connectTCP("127.0.0.1", { port: emulator.port });
  raw.setID(1);
  raw.setTimeout(1000);
  const client = new ModbusClient({ host: "127.0.0.1", port: emulator.port, timeout: 1 });
  await client.connect();
  const pv = modbusSignalR(client, {
    table: "holding",
    address: 1,
    type: "int16",
    decimalPlaces: 1,
  });
  try {
    const rawLoop = async (): Promise<void> => {
      for (let i = 0; i < READS; i++) await raw.readHoldingRegisters(1, 1);
    };
    const clientLoop = async (): Promise<void> => {
      for (let i = 0; i < READS; i++) await client.readHoldingRegisters(1, 1);
    };
    const signalLoop = async (): Promise<void> => {
      for (let i = 0; i < READS; i++) await pv.get();
    };
    // Several callers sharing the client: the queue sends one request at a time.
    const callers = async (): Promise<void> => {
      const each = READS / CALLERS;
      await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          for (let i = 0; i < each; i++) await client.readHoldingRegisters(1, 1);
        }),
      );
    };
    // Warm up the JIT and the sockets.
    for (let i = 0; i < 200; i++) {
      await raw.readHoldingRegisters(1, 1);
      await client.readHoldingRegisters(1, 1);
    }
    const base = await timeIt(rawLoop);
    const ours = await timeIt(clientLoop);
    const signal = await timeIt(signalLoop);
    const shared = await timeIt(callers);
    const rate = (ms: number): string => Math.round((READS / ms) * 1000).toLocaleString("en");
    const row = (name: string, ms: number): string[] => [
      name,
      ms.toFixed(0),
      rate(ms),
      (base / ms).toFixed(2),
    ];
    printTable(
      ["case", "wall ms", "reads/s", "ratio"],
      [
        row(`raw modbus-serial loop, ${READS} reads (baseline)`, base),
        row(`ModbusClient.readHoldingRegisters, ${READS} reads`, ours),
        row(`Modbus signal get() (decode int16/10), ${READS} reads`, signal),
        row(`ModbusClient, ${CALLERS} callers at once, ${READS} reads`, shared),
      ],
    );
  } finally {
    await client.close();
    await new Promise((resolve) => raw.close(resolve));
    await emulator.stop();
  }
}
