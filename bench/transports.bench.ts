// Round trips per second through RequestChannel against a hand-written loop over the same
// link, in the same run: a socat pty pair (SerialTransport vs raw serialport + its readline
// parser) and TCP loopback (TcpTransport vs a raw net socket). Same instrument on the other
// end, so the ratio is the cost of the helper alone. Target: at least 0.9x the raw loop.
import { createConnection, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { ReadlineParser } from "@serialport/parser-readline";
import { SerialPort } from "serialport";
import {
  LineFramer,
  RequestChannel,
  SerialTransport,
  TcpTransport,
} from "../src/transports/index.js";
import { socat } from "../test/support/peers.js";
import { ptyPair } from "../test/support/pty-pair.js";
import { printTable, timeIt } from "./table.js";

const ROUNDS = 7;
const PTY_TRIPS = 1_000;
const TCP_TRIPS = 5_000;
const COMMAND = "1TP";
const REPLY = "1TP-12.34567";

type Loop = (trips: number) => Promise<void>;

/** Median round trips per second of each loop, the loops taking turns so drift hits both. */
async function race(trips: number, loops: readonly Loop[]): Promise<number[]> {
  for (const loop of loops) await loop(Math.min(trips, 500)); // warm up the JIT
  const rates: number[][] = loops.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, loop] of loops.entries()) {
      const ms = await timeIt(() => loop(trips));
      rates[i]!.push((trips / ms) * 1000);
    }
  }
  return rates.map((r) => r.sort((x, y) => x - y)[r.length >> 1]!);
}

function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  return new Promise((resolve, reject) => port.open((e) => (e ? reject(e) : resolve(port))));
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => port.close(() => resolve()));
}

/** The baseline a driver author would write by hand: write, then wait for the parser's line. */
function rawSerialLoop(port: SerialPort): Loop {
  const lines = port.pipe(new ReadlineParser({ delimiter: "\r\n", encoding: "latin1" }));
  let next: ((line: string) => void) | undefined;
  lines.on("data", (line: string) => next?.(line));
  return async (trips) => {
    for (let i = 0; i < trips; i++) {
      const reply = new Promise<string>((resolve) => (next = resolve));
      port.write(`${COMMAND}\r\n`);
      if ((await reply) !== REPLY) throw new Error("wrong reply");
    }
  };
}

function channelLoop(channel: RequestChannel): Loop {
  return async (trips) => {
    for (let i = 0; i < trips; i++) {
      if ((await channel.query(COMMAND)) !== REPLY) throw new Error("wrong reply");
    }
  };
}

/** A pty pair with an instrument on `b` answering every command line with REPLY. */
async function ptyInstrument(): Promise<{ path: string; stop(): Promise<void> }> {
  const pty = await ptyPair();
  const instrument = await openPort(pty.b);
  const commands = instrument.pipe(new ReadlineParser({ delimiter: "\r\n", encoding: "latin1" }));
  commands.on("data", () => instrument.write(`${REPLY}\r\n`));
  return {
    path: pty.a,
    async stop() {
      await closePort(instrument);
      await pty.kill();
    },
  };
}

async function ptyRates(): Promise<number[]> {
  // One pair each, so two programs never share a pty's input.
  const [forRaw, forChannel] = await Promise.all([ptyInstrument(), ptyInstrument()]);
  const raw = await openPort(forRaw.path);
  const channel = new RequestChannel(
    new SerialTransport({ path: forChannel.path, baudRate: 115200 }),
  );
  await channel.open();
  const rates = await race(PTY_TRIPS, [rawSerialLoop(raw), channelLoop(channel)]);
  await closePort(raw);
  await channel.close();
  await Promise.all([forRaw.stop(), forChannel.stop()]);
  return rates;
}

function rawTcpLoop(socket: Socket): Loop {
  let next: ((line: string) => void) | undefined;
  let pending = "";
  socket.setEncoding("latin1");
  socket.on("data", (text: string) => {
    pending += text;
    for (let end = pending.indexOf("\r\n"); end >= 0; end = pending.indexOf("\r\n")) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      next?.(line);
    }
  });
  return async (trips) => {
    for (let i = 0; i < trips; i++) {
      const reply = new Promise<string>((resolve) => (next = resolve));
      socket.write(`${COMMAND}\r\n`);
      if ((await reply) !== REPLY) throw new Error("wrong reply");
    }
  };
}

async function tcpRates(): Promise<number[]> {
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const framer = new LineFramer();
    socket.on("data", (chunk) => {
      const commands = framer.push(chunk).length;
      for (let i = 0; i < commands; i++) socket.write(`${REPLY}\r\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const socket = createConnection({ host: "127.0.0.1", port }).setNoDelay(true);
  await new Promise((resolve) => socket.once("connect", resolve));
  const channel = new RequestChannel(new TcpTransport({ host: "127.0.0.1", port }));
  await channel.open();
  const rates = await race(TCP_TRIPS, [rawTcpLoop(socket), channelLoop(channel)]);
  socket.destroy();
  await channel.close();
  await new Promise((resolve) => server.close(resolve));
  return rates;
}

export async function transportsBench(): Promise<void> {
  const rows: string[][] = [];
  const add = (link: string, [raw, helper]: number[]): void => {
    const fmt = (n: number): string => Math.round(n).toLocaleString("en");
    rows.push([`${link}: raw loop (baseline)`, fmt(raw!), "1.00"]);
    rows.push([`${link}: RequestChannel.query`, fmt(helper!), (helper! / raw!).toFixed(2)]);
  };
  if (socat().available) add("pty (socat)", await ptyRates());
  else rows.push(["pty (socat)", "skipped: apt-get install socat", ""]);
  add("tcp loopback", await tcpRates());
  printTable(["round trips", "per second", "ratio"], rows);
}
