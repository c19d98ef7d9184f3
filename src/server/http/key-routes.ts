import type { QueueStore } from "../queue/index.js";
import { tokenScope } from "./authenticate.js";
import { apiKeyBody, apiKeyDeleteQuery, tokenBody } from "./bodies.js";
import { failed, ok } from "./replies.js";
import type { AddRoute } from "./route.js";

/** API keys, for admins: the secret is in the creation reply and nowhere else. */
export function addKeyRoutes(route: AddRoute, store: QueueStore): void {
  route({
    method: "POST",
    url: "/api/auth/apikey",
    permission: "keys",
    input: apiKeyBody,
    handle: ({ principal, role, scopes = [], note, expires_in }) => {
      const { secret, info } = store.apiKeys.create({
        principal,
        role,
        scopes,
        note,
        expiresIn: expires_in,
      });
      return ok({ secret, ...info });
    },
  });

  route({
    method: "DELETE",
    url: "/api/auth/apikey",
    permission: "keys",
    input: apiKeyDeleteQuery,
    handle: ({ first_eight }) => {
      const revoked = store.apiKeys.revoke(first_eight);
      return revoked > 0 ? ok({ revoked }) : failed(`no API key starts with '${first_eight}'`);
    },
  });
}

/** How long a bearer token lives unless asked otherwise, as the httpserver's access tokens. */
export const defaultTokenLifetime = 15 * 60;

/**
 * Bearer tokens: whoever holds an API key (or the single-user key) exchanges it for a token
 * with the same principal and role that expires after `expires_in` seconds. A token cannot
 * be exchanged for another, so it cannot outlive its lifetime.
 */
export function addTokenRoute(route: AddRoute, store: QueueStore): void {
  route({
    method: "POST",
    url: "/api/auth/token",
    permission: "read",
    input: tokenBody,
    handle: ({ expires_in = defaultTokenLifetime }, caller) => {
      if (caller.credential === "none") {
        return failed("a token needs an API key: send 'Authorization: ApiKey <key>'");
      }
      if (caller.credential === "token") {
        return failed("a token cannot be exchanged for another token");
      }
      store.apiKeys.purgeExpired();
      const { secret, info } = store.apiKeys.create({
        principal: caller.principal,
        role: caller.role,
        scopes: [tokenScope],
        note: "bearer token",
        expiresIn: expires_in,
      });
      return ok({
        access_token: secret,
        token_type: "bearer",
        expires_in,
        expires_at: info.expires_at,
      });
    },
  });
}
