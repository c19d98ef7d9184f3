/** The broadcast address of every IPv4 interface, for EPICS_CA_AUTO_ADDR_LIST=YES. */
import { networkInterfaces } from "node:os";
import { ipv4FromU32, ipv4ToU32 } from "../codec/index.js";

/** "192.168.1.255" for each up, non-loopback IPv4 interface (as libca, which skips loopback). */
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
