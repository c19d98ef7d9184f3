import type { EngineControl, QueueManager } from "../manager/index.js";
import type { QueueStore } from "../queue/index.js";
import {
  consoleQuery,
  emptyBody,
  executeBody,
  lockKeyBody,
  pauseBody,
  runsQuery,
} from "./bodies.js";
import type { EngineFeeds } from "./engine-feeds.js";
import { submitter } from "./queue-routes.js";
import type { ApiReply } from "./replies.js";
import { failed, ok } from "./replies.js";
import type { AddRoute } from "./route.js";

/** The reply of an engine route when the server was made without a manager. */
export const noEngine = "no engine is attached";

/**
 * The routes that drive the engine: the environment, running the queue, executing one item,
 * RunEngine requests, runs, the plans and devices on offer and the console. Everything that
 * starts, stops or steers a plan is behind the environment lock, as in the queue server.
 */
export function addEngineRoutes(route: AddRoute, store: QueueStore, feeds: EngineFeeds): void {
  const { manager } = feeds;
  const withManager =
    (act: (manager: QueueManager) => ApiReply | Promise<ApiReply>) =>
    (): ApiReply | Promise<ApiReply> => (manager === undefined ? failed(noEngine) : act(manager));
  const checkLock = (lockKey: string | undefined) => store.lock.check("environment", lockKey);

  const control = (url: string, act: (manager: QueueManager) => void | Promise<void>) =>
    route({
      method: "POST",
      url,
      permission: "control",
      input: lockKeyBody,
      handle: ({ lock_key }) =>
        withManager(async (m) => {
          checkLock(lock_key);
          await act(m);
          return ok();
        })(),
    });

  // These reply once the manager has done what was asked (or refused it).
  control("/api/environment/open", (m) => m.openEnvironment());
  control("/api/environment/close", (m) => m.closeEnvironment());
  control("/api/environment/destroy", (m) => m.destroyEnvironment());
  control("/api/queue/start", (m) => m.startQueue());
  control("/api/queue/stop", (m) => m.stopQueue());
  control("/api/queue/stop/cancel", (m) => m.cancelStop());

  route({
    method: "POST",
    url: "/api/queue/item/execute",
    permission: "control",
    input: executeBody,
    handle: ({ item, lock_key }, caller) =>
      withManager((m) => {
        checkLock(lock_key);
        const started = m.executeItem(item, submitter(caller));
        return ok({ item: started, qsize: store.queue.size() });
      })(),
  });

  route({
    method: "POST",
    url: "/api/re/pause",
    permission: "control",
    input: pauseBody,
    handle: ({ option = "deferred", lock_key }) =>
      withManager(async (m) => {
        checkLock(lock_key);
        await m.control({ kind: "pause", defer: option === "deferred" });
        return ok();
      })(),
  });
  const requests: Array<Exclude<EngineControl["kind"], "pause">> = [
    "resume",
    "stop",
    "abort",
    "halt",
  ];
  for (const kind of requests) control(`/api/re/${kind}`, (m) => m.control({ kind }));

  const runsReply = (option: "active" | "open" | "closed" | undefined) =>
    withManager(() => ok({ run_list: feeds.runs.list(option), run_list_uid: feeds.runs.uid }))();
  route({
    method: "GET",
    url: "/api/re/runs",
    permission: "read",
    input: runsQuery,
    handle: ({ option }) => runsReply(option),
  });
  for (const option of ["active", "open", "closed"] as const) {
    route({
      method: "GET",
      url: `/api/re/runs/${option}`,
      permission: "read",
      input: emptyBody,
      handle: () => runsReply(option),
    });
  }

  // The plans and devices are known once the environment has opened; until then the
  // reply says so rather than offering empty lists.
  const resources = (kind: "plans" | "devices", which: "allowed" | "existing") =>
    route({
      method: "GET",
      url: `/api/${kind}/${which}`,
      permission: "read",
      input: emptyBody,
      handle: () =>
        withManager((m) => {
          const allowed = m.allowed;
          if (allowed === undefined) {
            return failed(`the ${kind} are not known yet: open the environment first`);
          }
          const uid = m.status()[`${kind}_allowed_uid`];
          return ok({ [`${kind}_${which}`]: { ...allowed[kind] }, [`${kind}_${which}_uid`]: uid });
        })(),
    });
  resources("plans", "allowed");
  resources("devices", "allowed");
  resources("plans", "existing");
  resources("devices", "existing");

  route({
    method: "GET",
    url: "/api/console_output",
    permission: "read",
    input: consoleQuery,
    handle: ({ nlines }) => ok({ text: feeds.consoleLines.text(nlines) }),
  });
}
