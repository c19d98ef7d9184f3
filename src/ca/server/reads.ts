/**
 * READ_NOTIFY, EVENT_ADD and EVENT_CANCEL: a read is answered in the call that handles it;
 * a subscription sends its first update at once and then every change the PV posts that
 * its mask selects, through the send queue (which coalesces them for a slow client).
 */
import {
  CaCommand,
  ECA,
  type EventAddRequest,
  type EventCancelRequest,
  type ReadNotifyRequest,
} from "../codec/index.js";
import type { Subscription } from "./channel-table.js";
import { describe, requestHeader } from "./circuit-errors.js";
import type { CircuitScope } from "./circuit-scope.js";
import { encodeReply, type DbrReply, type ReplyTo } from "./dbr-reply.js";
import type { Outgoing } from "./send-queue.js";

export function read(scope: CircuitScope, request: ReadNotifyRequest): void {
  const channel =
    scope.channels.get(request.sid) ??
    scope.channel(request.sid, () =>
      requestHeader(CaCommand.READ_NOTIFY, request.sid, request.ioid, request),
    );
  if (!channel) return;
  const state = scope.readPv(channel);
  const reply = scope.replyFor(channel, state, request.dataType, request.dataCount);
  const to = { command: CaCommand.READ_NOTIFY, dataType: request.dataType, id: request.ioid };
  scope.queue.reply(encodeReply(to, reply));
}

export function subscribe(scope: CircuitScope, request: EventAddRequest): void {
  const channel = scope.channel(request.sid, () =>
    requestHeader(CaCommand.EVENT_ADD, request.sid, request.subscriptionId, request, 16),
  );
  if (!channel) return;
  const { dataType, dataCount, subscriptionId: id } = request;
  const to: ReplyTo = { command: CaCommand.EVENT_ADD, dataType, id };
  const encodeUpdate = (r: DbrReply): Outgoing => encodeReply(to, r);
  const failed = (ecaStatus: number): void =>
    scope.queue.reply(encodeUpdate({ ecaStatus, dataCount: 0, data: null }));
  if ((request.mask & 0xf) === 0) return failed(ECA.BADMASK);
  const previous = channel.subscriptions.get(id);
  if (previous) endSubscription(scope, previous);
  const subscription: Subscription = {
    id,
    mask: request.mask,
    active: true,
    pending: undefined,
    // Runs in the deferred flush: a provider's state that cannot be encoded at all (not
    // just converted) must fail this update, not the process.
    encode: (state) => {
      try {
        return encodeUpdate(scope.replyFor(channel, state, dataType, dataCount));
      } catch (error) {
        scope.log(`CA server: an update of "${channel.name}" failed: ${describe(error)}`);
        return encodeUpdate({ ecaStatus: ECA.GETFAIL, dataCount: 0, data: null });
      }
    },
    unsubscribe: () => {},
  };
  channel.subscriptions.set(id, subscription);
  try {
    subscription.unsubscribe = channel.pv.subscribe((update) => {
      if (subscription.active && update.events & subscription.mask) {
        scope.queue.monitor(subscription, update.state);
      }
    });
  } catch (error) {
    channel.subscriptions.delete(id);
    scope.log(`CA server: subscribing to "${channel.name}" failed: ${describe(error)}`);
    return failed(ECA.ADDFAIL);
  }
  const state = scope.readPv(channel);
  // The first update goes out at once, a failed one included: clients wait for it.
  if (state !== undefined) scope.queue.monitor(subscription, state);
  else failed(ECA.GETFAIL);
}

export function unsubscribe(scope: CircuitScope, request: EventCancelRequest): void {
  // A cancel of a subscription that is gone has nothing left to do.
  const channel = scope.channels.get(request.sid);
  const subscription = channel?.subscriptions.get(request.subscriptionId);
  if (!channel || !subscription) return;
  endSubscription(scope, subscription);
  channel.subscriptions.delete(subscription.id);
  scope.send({
    type: "EventCancelResponse",
    dataType: request.dataType,
    dataCount: request.dataCount,
    sid: request.sid,
    subscriptionId: request.subscriptionId,
  });
}

export function endSubscription(scope: CircuitScope, subscription: Subscription): void {
  subscription.active = false;
  scope.queue.discard(subscription);
  try {
    subscription.unsubscribe();
  } catch {
    // The provider's cleanup failing must not keep the channel alive.
  }
}
