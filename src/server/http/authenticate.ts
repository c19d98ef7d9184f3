import { createHash, timingSafeEqual } from "node:crypto";
import type { QueueStore } from "../queue/index.js";
import type { Role } from "./roles.js";
import { roleSchema } from "./roles.js";

/** Who made a request, as far as the server knows. */
export interface Caller {
  principal: string;
  /** Undefined for a key stored without a known role: it may do nothing. */
  role: Role | undefined;
  /** What the caller showed: nothing (anonymous read), an API key, or a token from `POST /api/auth/token`. */
  credential: "none" | "key" | "token";
}

/** The scope that marks a stored key as a short-lived bearer token. */
export const tokenScope = "auth:token";

export interface AuthOptions {
  store: QueueStore;
  /** Single-user mode: this key is accepted with every grant. */
  apiKey?: string;
  /** Requests without an Authorization header may read, as observers. */
  allowAnonymousRead?: boolean;
}

export type AuthOutcome = { ok: true; caller: Caller } | { ok: false; msg: string };

const anonymous: Caller = { principal: "anonymous", role: "observer", credential: "none" };
const singleUser: Caller = { principal: "single_user", role: "admin", credential: "key" };

/**
 * Resolves the Authorization header (`ApiKey <key>` or `Bearer <key>`; a bearer token is an
 * API key too, possibly a short-lived one) to a caller, or the reason it does not.
 */
export function authenticate(options: AuthOptions, header: string | undefined): AuthOutcome {
  if (header === undefined || header.trim() === "") {
    return options.allowAnonymousRead
      ? { ok: true, caller: anonymous }
      : { ok: false, msg: "not authenticated: send 'Authorization: ApiKey <key>'" };
  }
  const match = /^(ApiKey|Bearer)\s+(\S+)\s*$/i.exec(header.trim());
  if (!match) {
    return { ok: false, msg: "malformed Authorization header: expected 'ApiKey <key>'" };
  }
  const key = match[2]!;
  if (options.apiKey !== undefined && sameSecret(key, options.apiKey))
    return { ok: true, caller: singleUser };
  const info = options.store.apiKeys.verify(key);
  if (!info) return { ok: false, msg: "invalid, revoked or expired API key" };
  const role = roleSchema.safeParse(info.role);
  return {
    ok: true,
    caller: {
      principal: info.principal,
      role: role.success ? role.data : undefined,
      credential: info.scopes.includes(tokenScope) ? "token" : "key",
    },
  };
}

// Compares digests of equal length so the time taken tells nothing about the key.
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
