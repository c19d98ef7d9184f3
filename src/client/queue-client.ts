import { z } from "zod";
import type { ItemSubmission, JsonValue, QueueItem, QueueMode } from "../server/wire.js";
import { QueueClientError } from "./errors.js";
import type {
  AddBatchReply,
  ApiKeyReply,
  BaseReply,
  DevicesAllowedReply,
  ExecuteReply,
  HistoryGetReply,
  ItemGetReply,
  ItemReply,
  ItemStatusReply,
  LockReply,
  ModeReply,
  PlansAllowedReply,
  QueueGetReply,
  StatusReply,
} from "./replies.js";
import {
  addBatchReply,
  apiKeyReply,
  baseReply,
  devicesAllowedReply,
  executeReply,
  historyGetReply,
  itemGetReply,
  itemReply,
  itemStatusReply,
  lockReply,
  modeReply,
  plansAllowedReply,
  queueGetReply,
  statusReply,
} from "./replies.js";
import type { SocketWatch, WatchOptions } from "./watch.js";
import { watchSocket } from "./watch.js";

/** The default address of bluesky-httpserver, and of ours. */
export const defaultQueueUrl = "http://127.0.0.1:60610";

export interface QueueClientOptions {
  /** The server's base address (default http://127.0.0.1:60610). */
  url?: string;
  /** Sent as `Authorization: ApiKey <key>`. */
  apiKey?: string;
  /** Sent as `Authorization: Bearer <token>` when no API key is given. */
  token?: string;
  /** Sent as `lock_key` with every request, so edits pass while we hold the lock. */
  lockKey?: string;
}

/** A queue position: an index (negative counts from the back), or either end. */
export type Position = number | "front" | "back";

/** Where a new item goes: one of a position or a neighbour's uid (the back by default). */
export type Destination = { pos?: Position; before_uid?: string; after_uid?: string };

/** Which item: at a position or with a uid (the back by default). */
export type Selector = { pos?: Position; uid?: string };

/** Where a moved item goes. */
export type MoveDestination = { pos_dest?: Position; before_uid?: string; after_uid?: string };

/** An item to add, as `add` takes it. */
export type Submission = ItemSubmission;

/**
 * A client of the queue server's HTTP API (bluesky-httpserver's routes under /api). Every
 * reply is checked against its schema; a refusal throws a QueueClientError with the
 * server's `msg` and the HTTP status code.
 */
export class QueueClient {
  readonly url: string;
  readonly #authorization: string | undefined;
  readonly #lockKey: string | undefined;

  constructor(options: QueueClientOptions = {}) {
    this.url = (options.url ?? defaultQueueUrl).replace(/\/+$/, "");
    this.#authorization =
      options.apiKey !== undefined
        ? `ApiKey ${options.apiKey}`
        : options.token !== undefined
          ? `Bearer ${options.token}`
          : undefined;
    this.#lockKey = options.lockKey;
  }

  /** GET /api/status */
  status(): Promise<StatusReply> {
    return this.#get("/api/status", statusReply);
  }

  /** GET /api/queue/get */
  queueGet(): Promise<QueueGetReply> {
    return this.#get("/api/queue/get", queueGetReply);
  }

  /** POST /api/queue/item/add */
  add(item: Submission, dest: Destination = {}): Promise<ItemReply> {
    return this.#post("/api/queue/item/add", itemReply, { item, ...dest });
  }

  /** POST /api/queue/item/add/batch: all the items or none. */
  addBatch(items: Submission[], dest: Destination = {}): Promise<AddBatchReply> {
    return this.#post("/api/queue/item/add/batch", addBatchReply, { items, ...dest });
  }

  /** POST /api/queue/item/get */
  itemGet(select: Selector = {}): Promise<ItemGetReply> {
    return this.#post("/api/queue/item/get", itemGetReply, { ...select });
  }

  /** POST /api/queue/item/update: `replace` gives the item a new uid. */
  update(item: Submission & { item_uid: string }, replace?: boolean): Promise<ItemReply> {
    return this.#post("/api/queue/item/update", itemReply, { item, replace });
  }

  /** POST /api/queue/item/remove */
  remove(select: Selector): Promise<ItemReply> {
    return this.#post("/api/queue/item/remove", itemReply, { ...select });
  }

  /** POST /api/queue/item/move */
  move(select: Selector, dest: MoveDestination): Promise<ItemReply> {
    return this.#post("/api/queue/item/move", itemReply, { ...select, ...dest });
  }

  /** POST /api/queue/clear */
  clear(): Promise<BaseReply> {
    return this.#post("/api/queue/clear", baseReply);
  }

  /** POST /api/queue/item/execute: runs the item now, without its entering the queue. */
  execute(item: Submission): Promise<ExecuteReply> {
    return this.#post("/api/queue/item/execute", executeReply, { item });
  }

  /** POST /api/queue/start */
  start(): Promise<BaseReply> {
    return this.#post("/api/queue/start", baseReply);
  }

  /** POST /api/queue/stop: the queue stops after the running item. */
  stop(): Promise<BaseReply> {
    return this.#post("/api/queue/stop", baseReply);
  }

  /** POST /api/queue/stop/cancel */
  stopCancel(): Promise<BaseReply> {
    return this.#post("/api/queue/stop/cancel", baseReply);
  }

  /** POST /api/queue/autostart */
  autostart(enable: boolean): Promise<BaseReply> {
    return this.#post("/api/queue/autostart", baseReply, { enable });
  }

  /** POST /api/queue/mode/set */
  modeSet(mode: Partial<QueueMode> | "default"): Promise<ModeReply> {
    return this.#post("/api/queue/mode/set", modeReply, { mode });
  }

  /** GET /api/history/get */
  historyGet(): Promise<HistoryGetReply> {
    return this.#get("/api/history/get", historyGetReply);
  }

  /** POST /api/history/clear: all of it, down to `size` items, or up to `item_uid`. */
  historyClear(options: { size?: number; item_uid?: string } = {}): Promise<BaseReply> {
    return this.#post("/api/history/clear", baseReply, { ...options });
  }

  /** POST /api/queue/item/status: queued, running, finished or unknown, in one call. */
  itemStatus(uid: string): Promise<ItemStatusReply> {
    return this.#post("/api/queue/item/status", itemStatusReply, { uid });
  }

  /** POST /api/environment/open */
  environmentOpen(): Promise<BaseReply> {
    return this.#post("/api/environment/open", baseReply);
  }

  /** POST /api/environment/close */
  environmentClose(): Promise<BaseReply> {
    return this.#post("/api/environment/close", baseReply);
  }

  /** POST /api/environment/destroy */
  environmentDestroy(): Promise<BaseReply> {
    return this.#post("/api/environment/destroy", baseReply);
  }

  /** POST /api/re/pause: at the next checkpoint (deferred) or at once (immediate). */
  pause(option: "deferred" | "immediate" = "deferred"): Promise<BaseReply> {
    return this.#post("/api/re/pause", baseReply, { option });
  }

  /** POST /api/re/resume */
  resume(): Promise<BaseReply> {
    return this.#post("/api/re/resume", baseReply);
  }

  /** POST /api/re/stop: ends the paused plan as a success (`stop` is the queue's). */
  reStop(): Promise<BaseReply> {
    return this.#post("/api/re/stop", baseReply);
  }

  /** POST /api/re/abort */
  abort(): Promise<BaseReply> {
    return this.#post("/api/re/abort", baseReply);
  }

  /** POST /api/re/halt */
  halt(): Promise<BaseReply> {
    return this.#post("/api/re/halt", baseReply);
  }

  /** GET /api/plans/allowed */
  plansAllowed(): Promise<PlansAllowedReply> {
    return this.#get("/api/plans/allowed", plansAllowedReply);
  }

  /** GET /api/devices/allowed */
  devicesAllowed(): Promise<DevicesAllowedReply> {
    return this.#get("/api/devices/allowed", devicesAllowedReply);
  }

  /** POST /api/lock */
  lock(request: {
    lock_key: string;
    environment?: boolean;
    queue?: boolean;
    note?: string;
  }): Promise<LockReply> {
    return this.#post("/api/lock", lockReply, request);
  }

  /** POST /api/unlock */
  unlock(lockKey: string): Promise<LockReply> {
    return this.#post("/api/unlock", lockReply, { lock_key: lockKey });
  }

  /** GET /api/lock/info: with a key, checks that it is the one holding the lock. */
  lockInfo(lockKey?: string): Promise<LockReply> {
    const query = lockKey === undefined ? "" : `?lock_key=${encodeURIComponent(lockKey)}`;
    return this.#get(`/api/lock/info${query}`, lockReply);
  }

  /** POST /api/auth/apikey: a new key; its secret is in this reply only. */
  apiKeyCreate(request: {
    principal: string;
    role: string;
    scopes?: string[];
    note?: string;
    expires_in?: number;
  }): Promise<ApiKeyReply> {
    return this.#post("/api/auth/apikey", apiKeyReply, request);
  }

  /**
   * Opens a websocket under /api (`/api/status/ws`, `/api/documents/ws`, `/api/console/ws`)
   * and passes each message on; resolves once the socket is open.
   */
  watch(
    path: string,
    onMessage: (message: { seq: number; [field: string]: unknown }) => void,
    options: WatchOptions = {},
  ): Promise<SocketWatch> {
    const url = this.url.replace(/^http/, "ws") + path;
    return watchSocket(url, this.#authorization, onMessage, options);
  }

  #get<S extends z.ZodType<BaseReply>>(path: string, schema: S): Promise<z.infer<S>> {
    return this.#request("GET", path, schema, undefined);
  }

  #post<S extends z.ZodType<BaseReply>>(
    path: string,
    schema: S,
    body: Record<string, unknown> = {},
  ): Promise<z.infer<S>> {
    const withKey = this.#lockKey === undefined ? body : { lock_key: this.#lockKey, ...body };
    return this.#request("POST", path, schema, withKey);
  }

  async #request<S extends z.ZodType<BaseReply>>(
    method: "GET" | "POST",
    path: string,
    schema: S,
    body: Record<string, unknown> | undefined,
  ): Promise<z.infer<S>> {
    const route = `${method} ${path.replace(/\?.*$/, "")}`;
    const headers: Record<string, string> = {};
    if (this.#authorization !== undefined) headers.authorization = this.#authorization;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new QueueClientError(
        `${route}: cannot reach ${this.url}${cause ? `: ${cause}` : ""}`,
        undefined,
        undefined,
        { cause: error },
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new QueueClientError(
        `${route}: HTTP ${response.status}, not a JSON reply: ${text.slice(0, 200)}`,
        response.status,
        text,
      );
    }
    const base = baseReply.safeParse(json);
    if (!response.ok || !base.success || !base.data.success) {
      const msg = base.success && base.data.msg !== "" ? base.data.msg : `HTTP ${response.status}`;
      throw new QueueClientError(msg, response.status, json);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new QueueClientError(
        `${route}: unexpected reply: ${z.prettifyError(parsed.error)}`,
        response.status,
        json,
      );
    }
    return parsed.data;
  }
}

export type { ItemSubmission, JsonValue, QueueItem, QueueMode };
