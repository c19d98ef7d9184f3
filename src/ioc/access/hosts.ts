// How host names compare. By default EPICS lowercases both the client's HOST_NAME and the
// HAG's entries. With asCheckClientIP it trusts only the peer address: HAG entries are
// resolved to dotted IPv4 when the file is read, and one that does not resolve never
// matches.

export interface HostMatchOptions {
  /**
   * asCheckClientIP: the identity's host is the client's peer IPv4 address, not the name
   * it sent. HAG entries that are not addresses go through `resolveHost`.
   */
  readonly checkClientIP?: boolean;
  /** A host name's IPv4 address (dotted), or undefined when it does not resolve. */
  readonly resolveHost?: (name: string) => string | undefined;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function dotted(address: string): string | undefined {
  const parts = IPV4.exec(address.trim());
  if (!parts) return undefined;
  const octets = parts.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets.join(".") : undefined;
}

/** The form of a HAG entry that a client's host is compared with. */
export function hagEntryKey(host: string, options: HostMatchOptions): string {
  if (!options.checkClientIP) return host.toLowerCase();
  return dotted(host) ?? dotted(options.resolveHost?.(host) ?? "") ?? `unresolved:${host}`;
}

/** The form of a client's host that HAG entries are compared with. */
export function clientHostKey(host: string, options: HostMatchOptions): string {
  return options.checkClientIP ? (dotted(host) ?? host) : host.toLowerCase();
}
