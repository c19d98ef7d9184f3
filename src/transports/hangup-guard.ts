// node-serialport's binding for Linux and macOS (bindings-cpp 13) retries a read that returns
// end of file at once, forever (serialport/bindings-cpp#162). A tty opened with VMIN=1 never
// reads 0 bytes while alive (no data gives EAGAIN), so end of file means the line hung up:
// a pty whose other side died, some USB adapters pulled out. Unguarded, the port spins a
// thread-pool read loop and never reports the drop. This binding treats end of file as a
// disconnect, which serialport turns into a close with a DisconnectedError.
import { read } from "node:fs";
import { promisify } from "node:util";
import { SerialPort } from "serialport";

type Binding = typeof SerialPort.binding;
type BindingPort = Awaited<ReturnType<Binding["open"]>>;
type UnixPort = Extract<BindingPort, { readonly poller: unknown; fd: number | null }>;
type ReadResult = { buffer: Buffer; bytesRead: number };

const readAsync = promisify(read);

/** The platform's binding, with reads that report a hang-up instead of spinning on it. */
export function hangupGuardedBinding(base: Binding = SerialPort.binding): Binding {
  // The binding's type is a union over platforms; one signature covers them at run time.
  const open = base.open.bind(base) as (options: unknown) => Promise<BindingPort>;
  const guardedOpen = async (options: unknown): Promise<BindingPort> => {
    const port = await open(options);
    if ("poller" in port && "fd" in port) {
      port.read = (buffer, offset, length) => readUntilHangup(port, buffer, offset, length);
    }
    return port;
  };
  const guarded = Object.create(base) as Binding;
  guarded.open = guardedOpen as Binding["open"];
  return guarded;
}

/** bindings-cpp's unixRead, except that end of file is a disconnect, not a retry. */
async function readUntilHangup(
  port: UnixPort,
  buffer: Buffer,
  offset: number,
  length: number,
): Promise<ReadResult> {
  for (;;) {
    const fd = port.fd;
    if (fd === null) throw canceled();
    try {
      const { bytesRead } = await readAsync(fd, buffer, offset, length, null);
      if (bytesRead > 0) return { buffer, bytesRead };
      throw Object.assign(new Error("the line hung up (end of file)"), { disconnect: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EAGAIN" && code !== "EWOULDBLOCK" && code !== "EINTR") throw error;
      if (!port.isOpen) throw canceled();
      await new Promise<void>((resolve, reject) =>
        port.poller.once("readable", (err) => (err ? reject(err) : resolve())),
      );
    }
  }
}

/** What a read cancelled by close() rejects with; serialport does not treat it as a drop. */
function canceled(): Error {
  return Object.assign(new Error("Port is not open"), { canceled: true });
}
