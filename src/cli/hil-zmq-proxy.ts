// `hil zmq-proxy IN OUT`: bluesky-0MQ-proxy's job. Publishers (`hil run --zmq`, bluesky's
// Publisher) connect to IN; subscribers (RemoteDispatcher, ours or bluesky's) to OUT.
import { ZmqProxy } from "../callbacks/index.js";
import { untilSignal } from "./until-signal.js";

export interface ZmqProxyCommandOptions {
  /** Interface both ports bind; default 127.0.0.1, "*" for every interface. */
  host: string;
}

/** Forwards every frame from IN to OUT until Ctrl-C or SIGTERM. */
export async function zmqProxyCommand(
  inPort: number,
  outPort: number,
  { host }: ZmqProxyCommandOptions,
): Promise<number> {
  const proxy = new ZmqProxy({ inPort, outPort, host });
  await proxy.start();
  console.log(
    `Receiving on port ${proxy.inPort}; publishing to port ${proxy.outPort} (${host}).\n` +
      "Use Ctrl+C to exit.",
  );
  await untilSignal();
  console.log(`Interrupted. Exiting... (forwarded ${proxy.forwarded} frames)`);
  await proxy.close();
  return 0;
}
