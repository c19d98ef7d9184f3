import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";

/** A loopback TCP port with nothing listening on it (free a moment ago). */
export async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * A loopback port free for both TCP and UDP (a moment ago), for a server that takes the
 * same number for both, as a Channel Access server does for its TCP and search ports.
 */
export async function unusedTcpUdpPort(): Promise<number> {
  for (;;) {
    const tcp = createServer();
    const port = await new Promise<number>((resolve) =>
      tcp.listen(0, "127.0.0.1", () => resolve((tcp.address() as AddressInfo).port)),
    );
    const udp = createSocket("udp4");
    const free = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, "127.0.0.1", () => resolve(true));
    });
    udp.close();
    await new Promise((resolve) => tcp.close(resolve));
    if (free) return port;
  }
}
