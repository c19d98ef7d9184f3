/**
 * CREATE_CHAN, CLEAR_CHANNEL and SEARCH over TCP: opening and freeing a circuit's channels.
 * A freed channel ends its subscriptions and its put-callback line; the requests that waited
 * behind its puts then run as requests on a dropped SID.
 */
import {
  CA_MINIMUM_MINOR_VERSION,
  CA_MINOR_VERSION,
  CaCommand,
  type ClearChannelRequest,
  type CreateChanRequest,
  type SearchRequest,
} from "../codec/index.js";
import type { Channel } from "./channel-table.js";
import { requestHeader } from "./circuit-errors.js";
import type { CircuitScope } from "./circuit-scope.js";
import { endSubscription } from "./reads.js";

export function createChannel(scope: CircuitScope, request: CreateChanRequest): void {
  if (request.minorVersion >= CA_MINIMUM_MINOR_VERSION) {
    scope.clientMinorVersion = request.minorVersion;
  }
  const pv = scope.resolve(request.name);
  if (!pv) return scope.send({ type: "CreateChFailResponse", cid: request.cid });
  const channel = scope.channels.open(request.cid, request.name, pv, scope.rightsOf(pv));
  scope.sendAll([
    { type: "AccessRightsResponse", cid: channel.cid, accessRights: channel.rights },
    {
      type: "CreateChanResponse",
      cid: channel.cid,
      sid: channel.sid,
      nativeType: pv.nativeType,
      nativeCount: pv.maxCount,
    },
  ]);
}

export function clearChannel(scope: CircuitScope, request: ClearChannelRequest): void {
  const { sid, cid } = request;
  const channel = scope.channels.get(sid);
  if (channel) {
    freeChannel(scope, channel); // requests already on their way are then ignored
  } else if (!scope.channels.isGone(sid)) {
    scope.channel(sid, () => requestHeader(CaCommand.CLEAR_CHANNEL, sid, cid));
    return;
  }
  scope.send({ type: "ClearChannelResponse", sid, cid });
}

export function freeChannel(scope: CircuitScope, channel: Channel): void {
  // Held requests run once this one is done, not inside it: a CLEAR_CHANNEL among them is
  // still answered, after this channel's own answer.
  const held = channel.puts?.close() ?? [];
  if (held.length > 0) queueMicrotask(() => scope.queue.now(() => held.forEach((t) => t())));
  for (const subscription of channel.subscriptions.values()) endSubscription(scope, subscription);
  channel.subscriptions.clear();
  scope.channels.remove(channel);
}

/** A name server's answer: where the name is served, or (if asked) that it is not. */
export function search(scope: CircuitScope, request: SearchRequest): void {
  if (scope.resolve(request.name)) {
    scope.send({
      type: "SearchResponse",
      cid: request.cid,
      port: scope.settings.tcpPort(),
      serverAddress: 0xffffffff,
      minorVersion: CA_MINOR_VERSION,
    });
  } else if (request.replyIfNotFound) {
    scope.send({
      type: "NotFoundResponse",
      cid: request.cid,
      minorVersion: request.minorVersion,
    });
  }
}
