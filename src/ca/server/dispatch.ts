/** Each request a client sends, to the handler that answers it. */
import { CA_MINIMUM_MINOR_VERSION, type CaMessage } from "../codec/index.js";
import { clearChannel, createChannel, search } from "./channel-requests.js";
import { CircuitFault } from "./circuit-errors.js";
import type { CircuitScope } from "./circuit-scope.js";
import { read, subscribe, unsubscribe } from "./reads.js";
import type { Writes } from "./writes.js";

/** Handles one request; throws CircuitFault (or RemoteProtocolError) to end the circuit. */
export function dispatch(scope: CircuitScope, writes: Writes, message: CaMessage): void {
  switch (message.type) {
    case "ReadNotifyRequest":
      return read(scope, message);
    case "VersionRequest":
      if (message.minorVersion < CA_MINIMUM_MINOR_VERSION) {
        throw new CircuitFault(`protocol version 4.${message.minorVersion} is not supported`);
      }
      scope.clientMinorVersion = message.minorVersion;
      return;
    case "HostNameRequest":
      scope.identity.host = message.name;
      return scope.recomputeRights();
    case "ClientNameRequest":
      scope.identity.user = message.name;
      return scope.recomputeRights();
    case "CreateChanRequest":
      return createChannel(scope, message);
    case "WriteRequest":
    case "WriteNotifyRequest":
      return writes.handle(message);
    case "EventAddRequest":
      return subscribe(scope, message);
    case "EventCancelRequest":
      return unsubscribe(scope, message);
    case "ClearChannelRequest":
      return clearChannel(scope, message);
    case "EchoRequest":
      return scope.send({ type: "EchoResponse" });
    case "EventsOffRequest":
      scope.queue.paused = true;
      return;
    case "EventsOnRequest":
      scope.queue.paused = false;
      return;
    case "SearchRequest":
      return search(scope, message);
    default:
      // READ_SYNC and the repeater's REGISTER: accepted, nothing to do.
      return;
  }
}
