import { checkCommand, decodeMessage, type CaMessage } from "./commands.js";
import { caCommandName } from "./constants.js";
import { RemoteProtocolError } from "./errors.js";
import { readHeader } from "./header.js";
import type { CaSender } from "./wire.js";

/**
 * Decodes every message of one UDP datagram (a VERSION, then N× SEARCH or their replies).
 * `sender` says who sent it: a server decodes "client" datagrams. Throws RemoteProtocolError
 * for a truncated message, trailing bytes or a command the sender does not send: drop the
 * datagram then.
 */
export function decodeDatagram(bytes: Uint8Array, sender: CaSender): CaMessage[] {
  const messages: CaMessage[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const at = readHeader(bytes, offset);
    if (!at) {
      throw new RemoteProtocolError(
        `a datagram ends with ${bytes.length - offset} bytes, too few for a header`,
      );
    }
    const { header, size } = at;
    checkCommand(header.command, sender);
    const start = offset + size;
    const end = start + header.payloadSize;
    if (end > bytes.length) {
      throw new RemoteProtocolError(
        `${caCommandName(header.command)} announces ${header.payloadSize} payload bytes, ` +
          `the datagram holds ${bytes.length - start}`,
        { command: header.command },
      );
    }
    messages.push(decodeMessage(header, bytes.subarray(start, end), sender, "datagram"));
    offset = end;
  }
  return messages;
}
