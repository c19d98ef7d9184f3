/** This host's IPv4 interfaces, as the client's and the server's automatic lists see them. */
import { networkInterfaces } from "node:os";
import { ipv4FromU32, ipv4ToU32 } from "./codec/index.js";

/** "192.168.1.255" for each up, non-loopback IPv4 interface (libca and RSRV skip loopback). */
export function broadcastAddresses(): string[] {
  const found = new Set<string>();
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family !== "IPv4" || address.internal) continue;
      const ip = ipv4ToU32(address.address);
      const mask = ipv4ToU32(address.netmask);
      found.add(ipv4FromU32((ip | ~mask) >>> 0));
    }
  }
  return [...found];
}

/** Whether `address` (IPv4, or IPv4-mapped IPv6) belongs to this host. */
export function isLocalAddress(address: string): boolean {
  const plain = address.replace(/^::ffff:/, "");
  if (plain.startsWith("127.")) return true;
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((entry) => entry.address === plain),
  );
}
