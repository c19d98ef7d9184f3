// Debian's pymodbus (3.x) as an independent Modbus peer: a TCP server with a datastore of
// known values, and one-shot client scripts. Only for tests guarded by peers.pymodbus().
import { spawn } from "node:child_process";

const PYTHON = "/usr/bin/python3";

const SERVER_SCRIPT = `
import asyncio, json, sys
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
from pymodbus.server.async_io import ModbusTcpServer

spec = json.loads(sys.argv[1])

async def main():
    store = ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, spec["holding"]),
        ir=ModbusSequentialDataBlock(0, spec["input"]),
        co=ModbusSequentialDataBlock(0, spec["coils"]),
        di=ModbusSequentialDataBlock(0, spec["discrete"]),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={spec["unit"]: store}, single=False)
    server = ModbusTcpServer(context, address=("127.0.0.1", 0))
    asyncio.ensure_future(server.serve_forever())
    await server.serving
    print("READY", server.server.sockets[0].getsockname()[1], flush=True)
    # Runs until the test closes stdin (or kills it).
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main())
`;

const RTU_SERVER_SCRIPT = `
import asyncio, json, sys
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.server.async_io import ModbusSerialServer

spec = json.loads(sys.argv[1])

async def main():
    store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, spec["holding"]), zero_mode=True)
    context = ModbusServerContext(slaves={spec["unit"]: store}, single=False)
    server = ModbusSerialServer(
        context, framer=ModbusRtuFramer, port=spec["path"], baudrate=spec["baudRate"],
        auto_reconnect=True, reconnect_delay=0.1,
    )
    await server.start()
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main())
`;

export interface PymodbusDatastore {
  unit: number;
  holding: number[];
  input: number[];
  coils: boolean[];
  discrete: boolean[];
}

export interface PymodbusServer {
  /** The TCP port; 0 for an RTU server. */
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts a pymodbus TCP server on 127.0.0.1 and resolves on its "READY <port>" line. */
export function startPymodbusServer(datastore: PymodbusDatastore): Promise<PymodbusServer> {
  return startScript(SERVER_SCRIPT, datastore);
}

export interface PymodbusRtuSpec {
  unit: number;
  holding: number[];
  /** The serial device the server opens, e.g. one end of a pty pair. */
  path: string;
  baudRate: number;
}

/** Starts a pymodbus RTU server on a serial device (it reopens the device if it vanishes). */
export function startPymodbusRtuServer(spec: PymodbusRtuSpec): Promise<PymodbusServer> {
  return startScript(RTU_SERVER_SCRIPT, spec);
}

function startScript(script: string, spec: object): Promise<PymodbusServer> {
  const child = spawn(PYTHON, ["-c", script, JSON.stringify(spec)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      child.kill("SIGTERM");
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`pymodbus server not ready within 15 s: ${stderr}`));
    }, 15_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const ready = /READY ?(\d*)\r?\n/.exec(stdout);
      if (!ready) return;
      clearTimeout(timer);
      resolve({ port: Number(ready[1] || 0), stop });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pymodbus server exited (${code}) before ready: ${stderr}`));
    });
  });
}

/**
 * Runs `body`, top-level Python that may use `client` (a connected pymodbus ModbusTcpClient)
 * and fill `out`, a dict the script prints as JSON; resolves with that dict.
 */
export function runPymodbusClient(port: number, body: string): Promise<Record<string, unknown>> {
  const script = [
    "import json, sys",
    "from pymodbus.client import ModbusTcpClient",
    `client = ModbusTcpClient("127.0.0.1", port=${port}, timeout=3)`,
    "assert client.connect(), 'cannot connect'",
    "out = {}",
    body,
    "client.close()",
    "print(json.dumps(out), flush=True)",
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`pymodbus client failed (${code}): ${stderr}`));
      else resolve(JSON.parse(last) as Record<string, unknown>);
    });
  });
}
