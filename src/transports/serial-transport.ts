// A serial port as a ByteTransport: a thin shell over node-serialport. Each open() makes a
// fresh SerialPort, so a port that dropped (adapter unplugged, pty gone) reopens cleanly.
import { SerialPort } from "serialport";
import type { ByteTransport } from "./byte-transport.js";
import {
  TransportClosedError,
  TransportDroppedError,
  TransportOpenError,
  TransportWriteError,
} from "./errors.js";
import { hangupGuardedBinding } from "./hangup-guard.js";
import { ListenerSet } from "./listener-set.js";

/** One guarded binding for every port: see hangup-guard.ts. */
let binding: typeof SerialPort.binding | undefined;

export type SerialParity = "none" | "even" | "odd" | "mark" | "space";

const PARITIES: readonly SerialParity[] = ["none", "even", "odd", "mark", "space"];

export interface SerialTransportOptions {
  /** "/dev/ttyUSB0", "/dev/serial/by-id/...", "COM3". Opened as given: never looked up in a port list. */
  path: string;
  baudRate: number;
  /** Default 8. */
  dataBits?: 5 | 6 | 7 | 8;
  /** Default "none". */
  parity?: SerialParity;
  /** Default 1. */
  stopBits?: 1 | 1.5 | 2;
  /** Hardware flow control (default false). */
  rtscts?: boolean;
  /** Software flow control, each direction (default false). */
  xon?: boolean;
  xoff?: boolean;
}

export class SerialTransport implements ByteTransport {
  readonly name: string;
  private readonly options: Required<SerialTransportOptions>;
  private port: SerialPort | undefined;
  private opening: Promise<void> | undefined;
  private readonly dataListeners = new ListenerSet<[Uint8Array]>();
  private readonly closeListeners = new ListenerSet<[Error?]>();

  constructor({
    path,
    baudRate,
    dataBits = 8,
    parity = "none",
    stopBits = 1,
    rtscts = false,
    xon = false,
    xoff = false,
  }: SerialTransportOptions) {
    this.name = `serial:${path}`;
    const bad = (option: string, value: unknown, wanted: string): TypeError =>
      new TypeError(`${this.name}: ${option} must be ${wanted}, got ${JSON.stringify(value)}`);
    if (!path) throw bad("path", path, "a device path");
    if (!Number.isInteger(baudRate) || baudRate <= 0) {
      throw bad("baudRate", baudRate, "a positive integer");
    }
    if (![5, 6, 7, 8].includes(dataBits)) throw bad("dataBits", dataBits, "5, 6, 7 or 8");
    if (!PARITIES.includes(parity)) throw bad("parity", parity, PARITIES.join(", "));
    if (![1, 1.5, 2].includes(stopBits)) throw bad("stopBits", stopBits, "1, 1.5 or 2");
    this.options = { path, baudRate, dataBits, parity, stopBits, rtscts, xon, xoff };
  }

  get isOpen(): boolean {
    return this.port !== undefined;
  }

  open(): Promise<void> {
    if (this.port) return Promise.resolve();
    this.opening ??= this.openPort().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  async close(): Promise<void> {
    await this.opening?.catch(() => undefined);
    const port = this.port;
    if (!port) return;
    this.port = undefined; // from here on, the port's own close event is ours, not a drop
    await new Promise<void>((resolve) => {
      if (!port.isOpen) resolve();
      else port.close(() => resolve());
    });
    this.closeListeners.emit();
  }

  write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port) {
      return Promise.reject(
        new TransportClosedError(this.name, "cannot write: the port is not open"),
      );
    }
    return new Promise((resolve, reject) => {
      port.write(data, (error) => {
        if (error) reject(new TransportWriteError(this.name, error));
        else resolve();
      });
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.closeListeners.add(listener);
  }

  private async openPort(): Promise<void> {
    let port: SerialPort;
    binding ??= hangupGuardedBinding();
    // SerialPort's options type leaves `binding` out, but its constructor takes one.
    const settings = { ...this.options, autoOpen: false, binding };
    try {
      port = new SerialPort(settings);
    } catch (error) {
      throw new TransportOpenError(this.name, error); // bad options: serialport names the option
    }
    // Before open: an 'error' event with no listener would crash the process.
    port.on("error", (error: Error) => this.dropped(port, error));
    await new Promise<void>((resolve, reject) => {
      port.open((error) => {
        if (error) reject(new TransportOpenError(this.name, error));
        else resolve();
      });
    });
    port.on("data", (chunk: Buffer) => this.dataListeners.emit(chunk));
    port.on("close", (error?: Error | null) =>
      this.dropped(port, error ?? new Error("the port closed")),
    );
    port.on("end", () => this.dropped(port, new Error("end of input")));
    this.port = port;
  }

  /** The port went away on its own: forget it and report the drop, once. */
  private dropped(port: SerialPort, cause: Error): void {
    if (this.port !== port) return;
    this.port = undefined;
    if (port.isOpen) port.close(() => undefined);
    this.closeListeners.emit(new TransportDroppedError(this.name, cause));
  }
}
