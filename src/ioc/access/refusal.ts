import type { AsClient } from "./client.js";

/**
 * The line an IOC logs when it refuses `client` a write (or read) of `pv`, naming who
 * asked and the rule set that decided.
 */
export function describeRefusal(
  pv: string,
  client: Pick<AsClient, "identity" | "group" | "level">,
  operation: "write" | "read" = "write",
): string {
  const { user, host } = client.identity;
  return (
    `${operation} of ${pv} refused: user ${JSON.stringify(user)} on host ` +
    `${JSON.stringify(host)} has no ${operation} access (ASG ${client.group}, ASL${client.level})`
  );
}
