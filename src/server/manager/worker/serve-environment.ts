import type { JsonValue } from "../../json-value.js";
import type { AllowedResources, Environment } from "../environment.js";
import type { FromWorker } from "./worker-messages.js";
import { heartbeatInterval, toWorkerSchema } from "./worker-messages.js";

/** The worker's end of the IPC channel. */
export interface ParentChannel {
  send(message: FromWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

/** The channel of a process forked with IPC, or undefined when this one was not. */
export function forkedParent(): ParentChannel | undefined {
  const send = process.send?.bind(process);
  if (send === undefined) return undefined;
  return {
    send: (message) => {
      send(message);
    },
    onMessage: (listener) => process.on("message", listener),
    onDisconnect: (listener) => process.on("disconnect", listener),
  };
}

/**
 * Runs in the forked worker: carries out the manager's requests on `environment` and sends
 * back its events, outcomes and a heartbeat. The worker exits when the manager goes away.
 */
export function serveEnvironment(environment: Environment, parent: ParentChannel): void {
  const send = (message: FromWorker): void => {
    parent.send(message);
  };
  environment.subscribe((event) => {
    if (event.kind === "document") {
      // Documents cross as JSON; their types are the engine's, checked again on arrival.
      const document = JSON.parse(JSON.stringify(event.document)) as [
        string,
        Record<string, never>,
      ];
      send({ type: "event", event: { kind: "document", document } });
    } else send({ type: "event", event });
  });
  const beat = setInterval(() => send({ type: "heartbeat" }), heartbeatInterval * 1000);
  parent.onDisconnect(() => {
    clearInterval(beat);
    void environment.destroy().finally(() => process.exit(0));
  });
  parent.onMessage((raw) => {
    const parsed = toWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      send({
        type: "event",
        event: { kind: "console", line: `worker: unreadable request ${JSON.stringify(raw)}` },
      });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case "open":
        environment.open().then(
          () => send({ type: "opened", allowed: toJson(environment.allowed) }),
          (error: Error) => send({ type: "open_failed", error: error.message }),
        );
        return;
      case "close":
        environment.close().then(
          () => send({ type: "closed" }),
          (error: Error) => send({ type: "closed", error: error.message }),
        );
        return;
      case "execute":
        void environment.execute(message.item).then((outcome) =>
          send({
            type: "outcome",
            outcome: {
              ...outcome,
              run_uids: [...outcome.run_uids],
              scan_ids: [...outcome.scan_ids],
            },
          }),
        );
        return;
      case "control":
        environment.control(message.request).then(
          () => send({ type: "control_done", id: message.id }),
          (error: Error) => send({ type: "control_done", id: message.id, error: error.message }),
        );
        return;
      case "item_message":
        environment.sendToItem(message.item_uid, message.message);
        return;
      case "query":
        environment.query(message.request).then(
          (answer) => send({ type: "answer", id: message.id, answer }),
          (error: Error) => send({ type: "answer", id: message.id, error: error.message }),
        );
        return;
    }
  });
}

/** The catalog's descriptions as plain JSON, for the channel. */
function toJson(allowed: AllowedResources | undefined): {
  plans: Record<string, JsonValue>;
  devices: Record<string, JsonValue>;
} {
  return JSON.parse(JSON.stringify(allowed ?? { plans: {}, devices: {} })) as {
    plans: Record<string, JsonValue>;
    devices: Record<string, JsonValue>;
  };
}
