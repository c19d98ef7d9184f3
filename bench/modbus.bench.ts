// Register reads per second over TCP loopback: ModbusClient (FIFO queue, timeouts, typed
// errors, reconnection) against a bare modbus-serial loop, the baseline, in the same run and
// taking turns. Two servers: one that answers at once, so the ratio is the client's own cost,
// and the Eurotherm emulator, whose server waits a millisecond before each answer.
import modbusSerial from "modbus-serial";
import { Eurotherm3200Emulator } from "../sim/index.js";
import { ModbusClient, modbusSignalR } from "../src/transports/index.js";
import { startQuickModbusServer } from "./modbus-quick-server.js";
import { printTable, timeIt } from "./table.js";

const ROUNDS = 5;
const CALLERS = 8;

type Loop = (reads: number) => Promise<void>;

interface Case {
  readonly name: string;
  readonly loop: Loop;
}

/** Median reads per second of each case, the cases taking turns so drift hits them all. */
async function race(reads: number, cases: readonly Case[]): Promise<number[]> {
  for (const { loop } of cases) await loop(Math.min(reads, 200)); // warm up the JIT
  const rates: number[][] = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { loop }] of cases.entries()) {
      const ms = await timeIt(() => loop(reads));
      rates[i]!.push((reads / ms) * 1000);
    }
  }
  return rates.map((r) => r.sort((x, y) => x - y)[r.length >> 1]!);
}

/** Reads per second of each case against the Modbus TCP server on `port`. */
async function rates(port: number, reads: number): Promise<Array<[string, number]>> {
  const raw = new modbusSerial.default();
  await raw.connectTCP("127.0.0.1", { port });
  raw.setID(1);
  raw.setTimeout(1000);
  const client = new ModbusClient({ host: "127.0.0.1", port, timeout: 1 });
  await client.connect();
  const pv = modbusSignalR(client, {
    table: "holding",
    address: 1,
    type: "int16",
    decimalPlaces: 1,
  });
  const cases: Case[] = [
    {
      name: "raw modbus-serial loop (baseline)",
      loop: async (reads) => {
        for (let i = 0; i < reads; i++) await raw.readHoldingRegisters(1, 1);
      },
    },
    {
      name: "ModbusClient.readHoldingRegisters",
      loop: async (reads) => {
        for (let i = 0; i < reads; i++) await client.readHoldingRegisters(1, 1);
      },
    },
    {
      name: "Modbus signal get() (int16 / 10)",
      loop: async (reads) => {
        for (let i = 0; i < reads; i++) await pv.get();
      },
    },
    {
      // Several callers sharing the client: the queue sends one request at a time.
      name: `ModbusClient, ${CALLERS} callers at once`,
      loop: async (reads) => {
        const each = Math.ceil(reads / CALLERS);
        await Promise.all(
          Array.from({ length: CALLERS }, async () => {
            for (let i = 0; i < each; i++) await client.readHoldingRegisters(1, 1);
          }),
        );
      },
    },
  ];
  try {
    const medians = await race(reads, cases);
    return cases.map(({ name }, i) => [name, medians[i]!]);
  } finally {
    await client.close();
    await new Promise((resolve) => raw.close(resolve));
  }
}

export async function modbusBench(): Promise<void> {
  const quick = await startQuickModbusServer();
  const atOnce = await rates(quick.port, 4_000).finally(() => quick.stop());
  const emulator = await Eurotherm3200Emulator.start();
  const emulated = await rates(emulator.port, 500).finally(() => emulator.stop());
  const rows: string[][] = [];
  for (const [server, figures] of [
    ["server answering at once", atOnce],
    ["Eurotherm emulator", emulated],
  ] as const) {
    const base = figures[0]![1];
    for (const [name, rate] of figures) {
      const fmt = Math.round(rate).toLocaleString("en");
      rows.push([`${server}: ${name}`, fmt, (rate / base).toFixed(2)]);
    }
  }
  printTable(["reads", "per second", "ratio"], rows);
}
